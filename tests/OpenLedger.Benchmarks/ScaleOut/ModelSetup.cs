using System.Diagnostics;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Corpus;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>The inference rows' model, made once through the public API as a publisher would: a datanet of WordNet
/// lexname examples contributed, approved and published, a Model Factory job the owner signs, the model registered
/// with its adapter and training record.</summary>
public static class ModelSetup
{
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The registered model's id.</summary>
    public static async Task<Hash32> PrepareAsync(LedgerClient client, ScaleOutOptions o)
    {
        var owner = DevChain.Account(DevChain.Seed, 1);
        var sw = Stopwatch.StartNew();
        var datanet = (await CommitAsync(client, owner, [new CreateDatanet("scaleout", "", [], "", TaskKind.TextLabel, Wei.Zero, Wei.Zero, ForfeitRule.Owner, [])]))[0];
        var corpus = WordNetCorpus.Load();
        var contributes = new List<ITxBody>();
        foreach (var s in corpus.Synsets.Where((_, i) => i % 97 == 0).Take(o.Examples))
        {
            var stored = await client.UploadAsync(TaskExampleFormat.Format(TaskKind.TextLabel, new TaskExample($"{string.Join(", ", s.Words)}: {s.Definition}", s.Category)), datanet);
            contributes.Add(new Contribute(datanet, stored.Hash, stored.NormalizedHash, (ulong)stored.Size));
        }
        var contributions = await CommitAsync(client, owner, contributes);
        await CommitAsync(client, owner, contributions.Select(c => (ITxBody)new Curate(c, true, "")).ToList());
        await CommitAsync(client, owner, [new PublishVersion(datanet)]);
        Console.WriteLine($"    datanet: {contributions.Count} contributions approved and published in {sw.Elapsed.TotalSeconds:F1} s");

        sw.Restart();
        var chain = await client.GetChainIdentityAsync();
        var job = await client.StartTrainingJobAsync(new TrainingRequest(datanet, Steps: o.TrainingSteps, BatchSize: 8), owner, chain.ChainId);
        while (!job.IsFinished)
        {
            await Task.Delay(500);
            job = await client.GetTrainingJobAsync(job.Id) ?? throw new InvalidOperationException($"training job {job.Id} disappeared");
        }
        if (job.Status != TrainingStatus.Succeeded) throw new InvalidOperationException($"the training job ended {job.Status}: {job.ErrorCode}: {job.Message}");
        Console.WriteLine($"    training: {o.TrainingSteps} steps in {sw.Elapsed.TotalSeconds:F1} s");

        var model = (await CommitAsync(client, owner, [new RegisterModel("scaleout", job.BaseModel, job.Adapter!.Value, [DatanetVersion.IdOf(datanet, 1)],
            job.TrainingRecord!.Value, Wei.FromOpen(1), OwnerBps: 2_000, ContributorsBps: 7_000, ProtocolBps: 1_000)]))[0];
        Console.WriteLine($"    model {model} registered");
        return model;
    }

    /// <summary>Signs <paramref name="bodies"/> with consecutive nonces, submits them in one request and waits until each
    /// commits and succeeds; their hashes (an object's id is its creating transaction's hash).</summary>
    public static async Task<List<Hash32>> CommitAsync(LedgerClient client, PrivateKey key, IReadOnlyList<ITxBody> bodies)
    {
        var chain = await client.GetChainIdentityAsync();
        var nonce = await client.NextNonceAsync(key.Address);
        var signed = bodies.Select((b, i) => LedgerClient.Sign(chain, key, nonce + (ulong)i, b)).ToList();
        var hashes = new List<Hash32>();
        foreach (var batch in signed.Chunk(1_000))
        {
            var results = await client.SubmitAsync(batch);
            if (results.FirstOrDefault(r => !r.Accepted) is { } refused) throw new InvalidOperationException($"refused: {refused.ErrorCode}: {refused.Message}");
            hashes.AddRange(batch.Select(s => s.Hash));
        }
        foreach (var h in hashes)
        {
            var view = await client.WaitForCommitAsync(h, CommitTimeout);
            if (view.Status != TransactionStatus.Committed || view.Succeeded != true) throw new InvalidOperationException($"{h}: {view.Status}, {view.ErrorCode}");
        }
        return hashes;
    }
}
