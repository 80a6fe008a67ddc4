using System.Diagnostics;
using OpenLedger.Client;
using OpenLedger.Cli.Attribution;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Keys;
using OpenLedger.Cli.Marketplace;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Demo;

/// <summary>
/// `openledger demo`: the whole Proof of Attribution story against a running dev node, through its public API only.
/// Dev accounts 1..3 contribute real WordNet lexname examples to a text-label datanet of dev 0, who approves them in one
/// batch and publishes a version; Model Factory fine-tunes a small LoRA adapter on it (the node's operator token);
/// dev 4 registers the model; dev 5 pays for a few inferences on held-out glosses; the node's OpenLoRA serves them;
/// then the demo waits for their settlement (the node's attribution worker) and prints who was paid what and why
/// (<see cref="AttributionReport"/>). Exit code 0 when every inference was settled, 1 otherwise (with the reason).
/// </summary>
public static class DemoCommand
{
    private const int Owner = 0, Publisher = 4, Caller = 5, FirstContributor = 1;

    /// <summary>LoRA steps of batch 16 by default: on the 72 default examples the training loss is below 0.02 by step
    /// 60, and the job's held-out accuracy is at 100% by 120.</summary>
    public const int DefaultSteps = 60;

    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var perCategory = args.GetInt("examples", 24, 2, 2_000);
        var contributors = args.GetInt("contributors", 3, 1, 3);
        var steps = args.GetInt("steps", DefaultSteps, 1, 100_000);
        var inferences = args.GetInt("inferences", 3, 1, 30);
        var settleTimeout = TimeSpan.FromSeconds(args.GetInt("settle-timeout", 300, 1, 86_400));
        var wordnet = args.Get("wordnet") ?? LexnameExamples.DefaultDirectory;
        var genesisFile = GenesisFile.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, asOperator: true);
        var genesis = genesisFile.Load();
        var dev = genesis.DevAccounts ?? throw new UsageException("the demo signs with dev accounts: it needs a dev chain's genesis (--genesis FILE)");
        if (dev.Count <= Caller) throw new UsageException($"the demo uses dev accounts 0..{Caller}; the genesis has {dev.Count}");
        PrivateKey Dev(int i) => DevChain.Account(dev.Seed, i);
        var (examples, held) = LexnameExamples.Read(wordnet, perCategory, (inferences + LexnameExamples.Categories.Count - 1) / LexnameExamples.Categories.Count);
        SignerKeys.RequireAcceptedBy(new SigningKey(Dev(0), KeySource.DevAccount, genesis.ChainId), s.Chain);
        var c = s.Client;
        var clock = Stopwatch.StartNew();
        void Step(string text) => output.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");

        // 1. A datanet, and real examples from several contributors.
        var datanet = await CommitAsync(s, Dev(Owner), new CreateDatanet("wordnet-lexnames-demo", "WordNet 3.0 glosses and their lexicographer categories",
            ["wordnet", "demo"], "WordNet 3.0 license", TaskKind.TextLabel, Wei.Zero, Wei.Zero, ForfeitRule.Owner, [Dev(Owner).Address]));
        Step($"datanet {datanet} created by dev {Owner} ({Dev(Owner).Address})");
        // The examples come category by category in turn; shifting by the round gives every contributor every category.
        var categories = LexnameExamples.Categories.Count;
        var byContributor = examples.Select((e, i) => (e, i)).GroupBy(x => FirstContributor + (x.i % categories + x.i / categories) % contributors).OrderBy(g => g.Key).ToList();
        var contributions = new List<Hash32>();
        foreach (var group in byContributor)
        {
            var bodies = new List<ITxBody>();
            foreach (var (example, _) in group)
            {
                var stored = await c.UploadAsync(TaskExampleFormat.Format(TaskKind.TextLabel, example));
                bodies.Add(new Contribute(datanet, stored.Hash, stored.NormalizedHash, (ulong)stored.Size));
            }
            contributions.AddRange(await CommitBatchAsync(s, Dev(group.Key), bodies));
            Step($"dev {group.Key} ({Dev(group.Key).Address}) contributed {bodies.Count} WordNet examples");
        }

        // 2. Curation in one batch, then a version.
        await CommitBatchAsync(s, Dev(Owner), [.. contributions.Select(id => (ITxBody)new Curate(id, true, "a real WordNet gloss, correctly labelled"))]);
        await CommitAsync(s, Dev(Owner), new PublishVersion(datanet));
        var version = (await c.GetDatanetVersionsAsync(datanet, 1)).Single();
        Step($"curator approved {contributions.Count} contributions; version {version.Number} published, root {version.Root}");

        // 3. Model Factory: a small LoRA adapter, with its attribution indexes.
        var job = await c.StartTrainingJobAsync(new TrainingRequest(datanet, Steps: steps, BatchSize: 16));
        Step($"Model Factory job {job.Id}: {steps} LoRA steps on {job.Examples} examples");
        var lastReport = TimeSpan.Zero;
        while (!job.IsFinished)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            job = await c.GetTrainingJobAsync(job.Id) ?? throw new CommandFailedException($"JobNotFound: job {job.Id} disappeared");
            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(15) && !job.IsFinished && job.TotalSteps > 0)
            {
                lastReport = clock.Elapsed;
                Step($"  training: step {job.Step}/{job.TotalSteps}" + (job.Loss is { } loss ? $", loss {loss:0.000}" : ""));
            }
        }
        if (job.Status != TrainingStatus.Succeeded)
            throw new CommandFailedException($"TrainingFailed: job {job.Id} ended {job.Status}: {job.ErrorCode} {job.Message}");
        Step($"trained: held-out accuracy {job.BaseAccuracy:P0} (base model) -> {job.Accuracy:P0}; adapter {job.Adapter}");

        // 4. The model on chain; its attribution index comes from the training record it names.
        var price = Wei.FromOpen(1);
        var model = await CommitAsync(s, Dev(Publisher), new RegisterModel("lexname-lora-demo", job.BaseModel, job.Adapter!.Value, [job.DatanetVersion],
            job.TrainingRecord!.Value, price, 2000, 7000, 1000));
        var index = await c.GetAttributionIndexAsync(model);
        Step($"model {model} registered by dev {Publisher}: 1 OPEN per inference, 70% to contributors; " +
             (index is null ? "its training record names no attribution index" : $"influence index {index.Rows} rows x {index.Dimension}, span index {index.Tokens} tokens"));

        // 5. Paid inferences on glosses the model was not trained on, served by the node's OpenLoRA.
        var asked = new List<(Hash32 Id, TaskExample Question)>();
        foreach (var question in held.Take(inferences))
        {
            var input = await c.UploadAsync(System.Text.Encoding.UTF8.GetBytes(question.Input));
            asked.Add((await CommitAsync(s, Dev(Caller), new RequestInference(model, input.Hash, price)), question));
        }
        Step($"dev {Caller} paid for {asked.Count} inferences");
        foreach (var (id, question) in asked)
        {
            var served = await WaitForAsync(c, id, i => i.Status != InferenceStatus.Requested, TimeSpan.FromMinutes(5));
            var answer = served.Status == InferenceStatus.Requested ? "(not served)" : await c.GetOutputTextAsync(id) ?? "(output not stored)";
            Step($"  {AttributionReport.Snippet(question.Input)}\n           -> {answer.Trim()} (WordNet: {question.Output})");
        }

        // 6. Settlement by the node's attribution worker, then who was paid what and why.
        Step($"waiting up to {settleTimeout.TotalSeconds:0} s for automatic settlement (InferenceSettled)");
        var unsettled = 0;
        foreach (var (id, _) in asked)
        {
            var i = await WaitForAsync(c, id, x => !x.IsOpen, settleTimeout);
            output.WriteLine();
            if (i.Status != InferenceStatus.Settled)
            {
                unsettled++;
                output.WriteLine($"inference {id}: {i.Status}, not settled" + (i.IsOpen
                    ? $" within {settleTimeout.TotalSeconds:0} s: does the node run an attribution worker (--attribution-key)? It expires at block {i.DeadlineHeight}."
                    : "."));
                continue;
            }
            await AttributionReport.PrintAsync(s, id, AttributionCommand.DefaultTop);
        }
        output.WriteLine();
        foreach (var k in Enumerable.Range(FirstContributor, contributors))
        {
            var r = await c.GetRewardsAsync(Dev(k).Address);
            output.WriteLine($"dev {k} ({Dev(k).Address}) earned {MarketSession.Open(r.Total)} in {r.Count} credit{(r.Count == 1 ? "" : "s")}");
        }
        Step(unsettled == 0 ? "done: every inference was attributed and settled" : $"done: {unsettled} of {asked.Count} inferences not settled");
        return unsettled == 0 ? 0 : 1;
    }

    private static async Task<InferenceRequest> WaitForAsync(LedgerClient c, Hash32 id, Func<InferenceRequest, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var i = await c.GetInferenceAsync(id) ?? throw new CommandFailedException($"UnknownInference: inference {id} is not on chain");
            if (done(i) || DateTime.UtcNow >= deadline) return i;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    private static async Task<Hash32> CommitAsync(MarketSession s, PrivateKey key, ITxBody body) =>
        (await CommitBatchAsync(s, key, [body]))[0];

    /// <summary>Signs the bodies with consecutive nonces, submits them in one request and waits for each to commit
    /// successfully; a refusal or failure is a <see cref="CommandFailedException"/> with the ledger's code.</summary>
    private static async Task<Hash32[]> CommitBatchAsync(MarketSession s, PrivateKey key, IReadOnlyList<ITxBody> bodies)
    {
        var nonce = await s.Client.NextNonceAsync(key.Address);
        var signed = bodies.Select((b, k) => LedgerClient.Sign(s.Chain, key, nonce + (ulong)k, b)).ToList();
        var results = await s.Client.SubmitAsync(signed);
        for (var k = 0; k < signed.Count; k++)
            if (!results[k].Accepted) throw new CommandFailedException($"{results[k].ErrorCode}: {bodies[k].Kind} refused: {results[k].Message}");
        foreach (var t in signed)
        {
            var view = await s.Client.WaitForCommitAsync(t.Hash, TimeSpan.FromSeconds(60));
            if (view.Status != TransactionStatus.Committed || view.Succeeded != true)
                throw new CommandFailedException($"{view.ErrorCode ?? "NotCommitted"}: {t.Tx.Body.Kind} {t.Hash} {(view.Status == TransactionStatus.Committed ? "failed" : "did not commit in 60 s")}");
        }
        return [.. signed.Select(t => t.Hash)];
    }
}
