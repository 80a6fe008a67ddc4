using System.Diagnostics;
using System.Text;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Corpus;

namespace OpenLedger.Tests.Failover;

/// <summary>A model to pay for inferences, set up through a node's public GraphQL only (as a user would): a datanet of
/// real WordNet glosses, approved and published, a short Model Factory job on whichever silo has the ML role (the quickest
/// path of the attribution crash test: 20 steps of 4), then the model registered with the job's adapter and record.
/// <see cref="Request"/> is the body a paying lane sends: one inference on a prompt stored once.</summary>
public sealed record PaidInferenceModel(Hash32 Model, Hash32 Prompt)
{
    public RequestInference Request() => new(Model, Prompt, new Wei(1_000_000));

    public static async Task<PaidInferenceModel> SetUpAsync(Uri node, PrivateKey owner, ulong chainId, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        var glosses = Glosses();
        using var client = new LedgerClient(node, requestTimeout: TimeSpan.FromSeconds(60));
        async Task<Hash32> Commit(ITxBody body) => (await client.SendAsync(body, owner, new SendOptions(Timeout: TimeSpan.FromSeconds(60)))).EnsureSucceeded().Hash;

        var datanet = await Commit(new CreateDatanet("failover inferences", "", [], "", TaskKind.TextLabel, Wei.Zero, Wei.Zero, ForfeitRule.Owner, []));
        var contributions = new List<Hash32>();
        foreach (var example in glosses.Take(24))
        {
            var put = await client.UploadAsync(TaskExampleFormat.Format(TaskKind.TextLabel, example), datanet);
            contributions.Add(await Commit(new Contribute(datanet, put.Hash, put.NormalizedHash, (ulong)put.Size)));
        }
        foreach (var c in contributions) await Commit(new Curate(c, true, ""));
        await Commit(new PublishVersion(datanet));

        var job = await client.StartTrainingJobAsync(new TrainingRequest(datanet, 0, Steps: 20, BatchSize: 4, Seed: 17), owner, chainId);
        var deadline = Stopwatch.StartNew();
        while (!job.IsFinished)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(6)) throw new TimeoutException($"the training job never finished; last: {job}");
            await Task.Delay(250);
            job = await client.GetTrainingJobAsync(job.Id) ?? job;
        }
        if (job.Status != TrainingStatus.Succeeded) throw new InvalidOperationException($"training job {job.Status}: {job.ErrorCode}: {job.Message}");
        var model = await Commit(new RegisterModel("failover model", job.BaseModel, job.Adapter!.Value, [DatanetVersion.IdOf(datanet, 1)],
            job.TrainingRecord!.Value, new Wei(1_000_000), 7_000, 2_000, 1_000));
        var prompt = (await client.UploadAsync(Encoding.UTF8.GetBytes(glosses[40].Input))).Hash;
        log($"paid-inference model {model} registered in {clock.Elapsed.TotalSeconds:0.0} s (datanet of 24 glosses, a 20-step Model Factory job)");
        return new PaidInferenceModel(model, prompt);
    }

    private static IReadOnlyList<TaskExample> Glosses()
    {
        var corpus = WordNetCorpus.Load();
        var animals = corpus.Synsets.Where(s => s.Category == "noun.animal").Skip(500).Take(30);
        var plants = corpus.Synsets.Where(s => s.Category == "noun.plant").Skip(500).Take(30);
        return animals.Zip(plants).SelectMany(p => new[] { p.First, p.Second })
            .Select(s => new TaskExample($"{string.Join(", ", s.Words)}: {s.Definition}", s.Category)).ToList();
    }
}
