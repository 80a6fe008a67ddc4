using System.Text;
using System.Text.Json.Nodes;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Attribution;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.GraphQL.Hosting;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.Attribution.Records;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.FineTuning;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Attribution;

/// <summary>The attribution loop in a real two-silo cluster on SQLite, the ML silo holding the attribution operator's
/// key: a paid inference served by OpenLoRA is attributed by the worker and settled by the settlement grain with no one
/// typing weights; the weights name only contributions of the model's datanet version; the record in the content store
/// hashes to the on-chain record; bad artifacts leave their inferences unsettled with a queryable stable code while the
/// good ones settle; and the record is the same bytes when attributed again by a new activation of the worker.</summary>
[Collection("ml-cluster")]
public sealed class AttributionLoopClusterTests(MlClusterFixture fx)
{
    private static readonly TimeSpan Settles = TimeSpan.FromSeconds(90);

    private static readonly Lazy<IReadOnlyList<TaskExample>> Examples = new(() =>
    {
        var corpus = WordNetCorpus.Load();
        var animals = corpus.Synsets.Where(s => s.Category == "noun.animal").Skip(400).Take(12);
        var plants = corpus.Synsets.Where(s => s.Category == "noun.plant").Skip(400).Take(12);
        return animals.Zip(plants).SelectMany(p => new[] { p.First, p.Second })
            .Select(s => new TaskExample($"{string.Join(", ", s.Words)}: {s.Definition}", s.Category)).ToList();
    });

    /// <summary>One trained model for the class's tests (xunit runs them one after another on the shared fixture).</summary>
    private static Task<Trained>? _trained;
    private static readonly Lock Gate = new();

    private sealed record Trained(Hash32 Datanet, Hash32 Version, TrainingJobView Job, byte[] RecordBytes, Hash32 Model, string BaseModel);

    private Task<Trained> TrainedAsync()
    {
        lock (Gate) return _trained ??= TrainAsync();
    }

    private async Task<Trained> TrainAsync()
    {
        var owner = fx.Chain.Keys[6];
        var datanet = await fx.PublishedDatanetAsync(owner, "attribution-loop", Examples.Value);
        var job = (await fx.Client.GetGrain<IModelFactoryGrain>(0).SubmitAsync(new TrainingJobRequest(datanet, 0, Steps: 20, BatchSize: 4, Seed: 17))).Job!;
        var grain = fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job.Id));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        TrainingJobView? done;
        while ((done = await grain.GetAsync()) is not { IsFinished: true })
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job never finished; last: {done}");
            await Task.Delay(100);
        }
        Assert.Equal(TrainingJobStatus.Succeeded, done.Status);
        var record = (await grain.GetRecordAsync())!;
        var version = DatanetVersion.IdOf(datanet, 1);
        var model = await RegisterAsync("attributed", done.Adapter!.Value, version, done.TrainingRecord!.Value, done.BaseModel);
        return new Trained(datanet, version, done, record, model, done.BaseModel);
    }

    private Task<Hash32> RegisterAsync(string name, Hash32 adapter, Hash32 version, Hash32 trainingRecord, string baseModel) =>
        fx.CommitAsync(fx.Chain.Keys[6], new RegisterModel(name, baseModel, adapter, [version], trainingRecord, Wei.FromOpen(1), 2_000, 7_000, 1_000));

    [Fact]
    public async Task A_served_inference_is_settled_automatically_on_the_models_contributions_with_the_stored_record()
    {
        var t = await TrainedAsync();
        var caller = fx.Chain.Keys[7];
        var callerBefore = await BalanceAsync(caller.Address);
        var ids = await RequestAllAsync(caller, [new RequestInference(t.Model, await InputAsync("cat, house cat: a small domesticated feline"), Wei.FromOpen(1)),
            new RequestInference(t.Model, await InputAsync("rose: a shrub with prickly stems and showy flowers"), Wei.FromOpen(1))]);

        var versionContributions = (await fx.Client.GetGrain<IDatanetGrain>(GrainKeys.Of(t.Datanet)).GetVersionContentsAsync(1))!.Contributions.ToHashSet();
        foreach (var id in ids)
        {
            var settled = await UntilAsync(id, i => i.Status == InferenceStatus.Settled, Settles);
            Assert.Equal(fx.Chain.AttributionOperator.Address, settled.Settler);

            // The record the chain names is in the content store, under its hash, and is this inference's.
            var bytes = (await fx.Content.GetAsync(settled.Record))!;
            Assert.Equal(settled.Record, Keccak256.Hash(bytes));
            var record = AttributionRecord.Parse(bytes);
            Assert.Equal(id, record.InferenceId);

            // Every paid contribution is one of the model's datanet version, and the contributors' part was paid in full.
            var rewards = await fx.Client.GetGrain<IMarketQueryGrain>(0).QueryEventsAsync(new MarketEventQuery(Subject: id, Kinds: [MarketEventKind.RewardCredited], Limit: 300));
            var contributors = rewards.Where(r => r.Detail == "contributor").ToList();
            Assert.NotEmpty(contributors);
            Assert.All(contributors, r => Assert.Contains(Hash32.Parse(r.Contribution!), versionContributions));
            Assert.Equal(record.Contributions.Count, contributors.Count);
            Assert.Equal(settled.Escrow, rewards.Aggregate(Wei.Zero, (sum, r) => sum + Wei.Parse(r.Amount!)));
        }
        Assert.True(await BalanceAsync(caller.Address) < callerBefore);
        var status = await fx.Client.GetGrain<IAttributionSettlementGrain>(GrainKeys.Of(fx.Chain.AttributionOperator.Address)).GetStatusAsync();
        Assert.True(status.Submitted >= ids.Count, status.ToString());
    }

    [Fact]
    public async Task Bad_artifacts_leave_their_inferences_unsettled_with_a_queryable_code_while_good_ones_settle()
    {
        var t = await TrainedAsync();
        var adapter = t.Job.Adapter!.Value;

        // A training record naming an influence index the store does not hold; one naming an index that is garbage;
        // and a model version whose training record is not in the store at all.
        var missingIndex = await PutRecordAsync(t.RecordBytes, Keccak256.Hash("no such index"));
        var garbage = Encoding.UTF8.GetBytes("not an influence index");
        var corruptIndex = await PutRecordAsync(t.RecordBytes, (await fx.Content.PutAsync(garbage)).Hash);
        var models = new Dictionary<string, Hash32>
        {
            [AttributionFailureCode.IndexMissing] = await RegisterAsync("index-missing", adapter, t.Version, missingIndex, t.BaseModel),
            [AttributionFailureCode.IndexCorrupt] = await RegisterAsync("index-corrupt", adapter, t.Version, corruptIndex, t.BaseModel),
            [AttributionFailureCode.NoTrainingRecord] = await RegisterAsync("no-record", adapter, t.Version, Keccak256.Hash("no such record"), t.BaseModel),
        };

        var caller = fx.Chain.Keys[8];
        var input = await InputAsync("oak: a deciduous tree of the genus Quercus");
        var bodies = models.Values.Select(m => new RequestInference(m, input, Wei.FromOpen(1))).Append(new RequestInference(t.Model, input, Wei.FromOpen(1))).ToList();
        var ids = await RequestAllAsync(caller, bodies);
        var good = ids[^1];

        // The good one settles: by then the worker has seen them all (one block, one poll).
        await UntilAsync(good, i => i.Status == InferenceStatus.Settled, Settles);
        var worker = fx.Client.GetGrain<IAttributionWorkerGrain>(0);
        foreach (var (code, id) in models.Keys.Zip(ids))
        {
            var failure = await UntilFailureAsync(worker, id);
            Assert.Equal(code, failure.Code);
            var inference = await InferenceAsync(id);
            Assert.Equal(InferenceStatus.Served, inference.Status);
            Assert.Equal(Hash32.Zero, inference.Record);
            Assert.Empty(await fx.Client.GetGrain<IMarketQueryGrain>(0).QueryEventsAsync(new MarketEventQuery(Subject: id, Kinds: [MarketEventKind.RewardCredited])));
        }
        Assert.Null(await worker.GetFailureAsync(good));

        // GraphQL's Inference.attributionFailure reads the same: the schema executed over this cluster's client.
        foreach (var (code, id) in models.Keys.Zip(ids))
        {
            var data = await GraphQLAsync($"{{ inference(id: \"{id}\") {{ status attributionFailure {{ code message attempts }} }} }}");
            Assert.Equal("SERVED", data["inference"]!["status"]!.GetValue<string>());
            Assert.Equal(code, data["inference"]!["attributionFailure"]!["code"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(data["inference"]!["attributionFailure"]!["message"]!.GetValue<string>()));
        }
        var settledData = await GraphQLAsync($"{{ inference(id: \"{good}\") {{ status attributionFailure {{ code }} }} }}");
        Assert.Equal("SETTLED", settledData["inference"]!["status"]!.GetValue<string>());
        Assert.Null(settledData["inference"]!["attributionFailure"]);

        var status = await worker.GetStatusAsync();
        Assert.Equal(fx.Chain.AttributionOperator.Address.ToString(), status.Operator);
        Assert.True(status.Failures >= models.Count, status.ToString());
    }

    [Fact]
    public async Task A_settled_inference_attributed_again_by_a_new_activation_of_the_worker_gives_the_same_record_bytes()
    {
        var t = await TrainedAsync();
        var id = (await RequestAllAsync(fx.Chain.Keys[9], [new RequestInference(t.Model, await InputAsync("wolf: a wild carnivorous canine"), Wei.FromOpen(1))]))[0];
        var settled = await UntilAsync(id, i => i.Status == InferenceStatus.Settled, Settles);

        var worker = fx.Client.GetGrain<IAttributionWorkerGrain>(0);
        await worker.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        var again = await worker.RecomputeAsync(id);
        Assert.NotNull(again);
        Assert.Equal(settled.Record, again.Record);

        // And in this process, as a second silo would: the same bytes from the same artifacts, on one thread.
        var model = (await fx.Client.GetGrain<IMarketQueryGrain>(0).GetObjectAsync(t.Model))!.As<Model>();
        var version = model.Versions[0];
        var refs = InferenceAttributor.ArtifactsOf(t.RecordBytes, out var problem) ?? throw new InvalidOperationException(problem!.ToString());
        using var attributor = InferenceAttributor.Open(TestBaseModel.Directory);
        var outcome = attributor.Attribute(new AttributionInputs(id, model.Id, version.Number, version.Adapter, await fx.Content.GetAsync(version.Adapter),
            version.TrainingRecord, t.RecordBytes, await fx.Content.GetAsync(refs.InfluenceIndexHash), await fx.Content.GetAsync(refs.SpanIndexHash),
            TaskKind.TextLabel, await TextAsync(settled.Input), await TextAsync(settled.Output), fx.Chain.Rules.Market.MaxAttributions));
        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal((await fx.Content.GetAsync(settled.Record))!, outcome.RecordBytes!);
    }

    /// <summary>The training record with its influence index's keccak replaced, stored; its hash.</summary>
    private async Task<Hash32> PutRecordAsync(byte[] record, Hash32 influenceIndex)
    {
        var json = JsonNode.Parse(record)!;
        json["attribution"]!["influenceIndex"]!["keccak"] = influenceIndex.ToString();
        return await fx.Content.PutAsync(Encoding.UTF8.GetBytes(json.ToJsonString())) is var stored ? stored.Hash : default;
    }

    /// <summary>Runs a query through the node's GraphQL schema, its resolvers reaching the cluster through the test's
    /// Orleans client (as the standalone gateway does); its data.</summary>
    private async Task<JsonNode> GraphQLAsync(string query)
    {
        var services = new ServiceCollection().AddOpenLedgerSchema();
        services.AddSingleton<IGrainFactory>(fx.Client).AddSingleton(fx.Client);
        await using var provider = services.BuildServiceProvider();
        var result = await provider.GetRequiredService<IDocumentExecuter>().ExecuteAsync(new ExecutionOptions
        {
            Schema = provider.GetRequiredService<ISchema>(), Query = query, RequestServices = provider,
        });
        var json = JsonNode.Parse(provider.GetRequiredService<IGraphQLTextSerializer>().Serialize(result))!;
        Assert.True(json["errors"] is null, json.ToJsonString());
        return json["data"]!;
    }

    private async Task<Hash32> InputAsync(string text) => (await fx.Content.PutAsync(Encoding.UTF8.GetBytes(text))).Hash;

    private async Task<string> TextAsync(Hash32 hash) => Encoding.UTF8.GetString((await fx.Content.GetAsync(hash))!);

    private async Task<Wei> BalanceAsync(Address a) => (await fx.Client.GetGrain<IAccountGrain>(GrainKeys.Of(a)).GetAsync()).Balance;

    /// <summary>Signs the bodies with consecutive nonces, submits them together and waits until each commits.</summary>
    private async Task<List<Hash32>> RequestAllAsync(PrivateKey caller, IReadOnlyList<RequestInference> bodies)
    {
        var nonce = (await fx.Client.GetGrain<IAccountGrain>(GrainKeys.Of(caller.Address)).GetAsync()).NextNonce;
        var signed = bodies.Select((b, i) => new Transaction(fx.Chain.Rules.ChainId, caller.Address, nonce + (ulong)i, fx.Chain.GasPrice, b).Sign(caller)).ToList();
        var submitted = await fx.Client.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync(signed.Select(s => s.Encode()).ToList());
        Assert.All(submitted, s => Assert.True(s.Accepted, $"{s.ErrorCode}: {s.Message}"));
        foreach (var tx in signed)
        {
            var view = await fx.Client.GetGrain<ITransactionGrain>(GrainKeys.Of(tx.Hash)).WaitForCommitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal((TxStatus.Committed, "None"), (view.Status, view.ErrorCode ?? "None"));
        }
        return signed.Select(s => s.Hash).ToList();
    }

    private async Task<InferenceRequest> InferenceAsync(Hash32 id) =>
        (await fx.Client.GetGrain<IInferenceGrain>(GrainKeys.Of(id)).GetAsync())!.As<InferenceRequest>();

    private async Task<InferenceRequest> UntilAsync(Hash32 id, Func<InferenceRequest, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var inference = await InferenceAsync(id);
            if (condition(inference)) return inference;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"inference {id} is still {inference.Status}; worker: {await fx.Client.GetGrain<IAttributionWorkerGrain>(0).GetStatusAsync()}, " +
                    $"failure: {await fx.Client.GetGrain<IAttributionWorkerGrain>(0).GetFailureAsync(id)}, " +
                    $"settlement: {await fx.Client.GetGrain<IAttributionSettlementGrain>(GrainKeys.Of(fx.Chain.AttributionOperator.Address)).GetStatusAsync()}");
            await Task.Delay(100);
        }
    }

    private static async Task<AttributionFailureView> UntilFailureAsync(IAttributionWorkerGrain worker, Hash32 id)
    {
        var deadline = DateTime.UtcNow + Settles;
        while (true)
        {
            if (await worker.GetFailureAsync(id) is { } failure) return failure;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no failure recorded for {id}; worker: {await worker.GetStatusAsync()}");
            await Task.Delay(100);
        }
    }
}
