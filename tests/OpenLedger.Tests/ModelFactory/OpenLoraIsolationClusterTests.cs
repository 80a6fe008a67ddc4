using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.Serving;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;
using OpenLedger.Tests.ML;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>On a real cluster: a model registered with an adapter that does not fit the base model does not hurt another
/// model's paid inferences requested in the same block. The good ones are served at their first attempt; the bad
/// adapter is quarantined (the adapters view says why) and its inferences are not retried, only left to their deadline
/// (the chain refunds them), unless the operator clears the adapter.</summary>
[Collection("ml-cluster")]
public sealed class OpenLoraIsolationClusterTests(MlClusterFixture fx)
{
    private const int EachModel = 4;

    [Fact]
    public async Task A_model_registered_with_a_bad_adapter_does_not_delay_another_models_inferences()
    {
        TorchRuntime.EnsureLoaded();
        var (owner, caller) = (fx.Chain.Keys[8], fx.Chain.Keys[9]);
        var openLora = fx.Client.GetGrain<IOpenLoraGrain>(0);
        var worker = fx.Client.GetGrain<IInferenceServingGrain>(0);
        var baseModel = (await openLora.GetStatusAsync()).BaseModel;

        // A good adapter for the built-in base (d 128), and one whose first layer was made for a base of width 64.
        byte[] goodBytes;
        using (var builtin = BaseModelRecipe.Load(TestBaseModel.Directory))
            goodBytes = ServedAdapter.Serialize(LoraAdapter.Apply(builtin.Model, new LoraConfig(4, 8, ["attn.c_attn"]), seed: 5));
        var (badBytes, _) = ServingTestAdapter.Artifact([("h.0.attn.c_attn", [4, 64], [384, 4]), ("h.1.attn.c_attn", [4, 128], [384, 4])]);
        var good = (await fx.Content.PutAsync(goodBytes)).Hash;
        var bad = (await fx.Content.PutAsync(badBytes)).Hash;
        Assert.Equal((Keccak256.Hash(goodBytes), Keccak256.Hash(badBytes)), (good, bad));

        var datanet = await fx.PublishedDatanetAsync(owner, "isolation", [new TaskExample("dog: a domestic animal", "noun.animal"), new TaskExample("oak: a tree", "noun.plant")]);
        Hash32[] versions = [DatanetVersion.IdOf(datanet, 1)];
        var goodModel = await fx.CommitAsync(owner, new RegisterModel("isolation-good", baseModel, good, versions, Keccak256.Hash("record good"), Wei.FromOpen(1), 5_000, 4_000, 1_000));
        var badModel = await fx.CommitAsync(owner, new RegisterModel("isolation-bad", baseModel, bad, versions, Keccak256.Hash("record bad"), Wei.FromOpen(1), 5_000, 4_000, 1_000));
        var failedBefore = (await worker.GetStatusAsync()).Failed;

        // Eight inferences, good and bad alternating, in one submission: one block, one poll, batches that mix them.
        var inputs = new List<Hash32>();
        for (var i = 0; i < 2 * EachModel; i++)
            inputs.Add((await fx.Content.PutAsync(System.Text.Encoding.UTF8.GetBytes($"dog {i}, domestic dog: a member of the genus Canis"))).Hash);
        var requests = await RequestAllAsync(caller, inputs.Select((input, i) => new RequestInference(i % 2 == 0 ? goodModel : badModel, input, Wei.FromOpen(1))).ToList());
        var goodRequests = requests.Where((_, i) => i % 2 == 0).ToList();
        var badRequests = requests.Where((_, i) => i % 2 == 1).ToList();

        foreach (var id in goodRequests)
            Assert.Equal(InferenceStatus.Served, (await UntilAsync(id, i => i.Status != InferenceStatus.Requested, TimeSpan.FromSeconds(60))).Status);
        // At the first attempt: the only failures the worker counted are the bad adapter's, once each.
        var status = await UntilStatusAsync(worker, s => s.Refused == EachModel);
        Assert.Equal(failedBefore + EachModel, status.Failed);
        Assert.Contains($"adapter {bad} is quarantined", status.LastError);

        var view = (await openLora.ListAdaptersAsync()).Single(a => a.Adapter == bad);
        Assert.Equal("quarantined", view.State);
        Assert.Equal("h.0.attn.c_attn: A is [4, 64], the projection takes 128 inputs (A must be [r, 128])", view.Reason);
        Assert.Equal(0L, view.Bytes);
        var load = await openLora.LoadAsync(bad);
        Assert.Equal(("InvalidAdapter", "quarantined"), (load.ErrorCode, load.Adapter!.State));
        Assert.Contains("h.0.attn.c_attn", load.Message);

        // Not retried: over a few of the fixture's 2-second retry periods nobody asks the cache for the bad adapter again
        // (counted after the operator's load above, which is a request too).
        var requestsBefore = (await openLora.ListAdaptersAsync()).Single(a => a.Adapter == bad).Requests;
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(requestsBefore, (await openLora.ListAdaptersAsync()).Single(a => a.Adapter == bad).Requests);
        Assert.Equal(status.Failed, (await worker.GetStatusAsync()).Failed);
        foreach (var id in badRequests) Assert.Equal(InferenceStatus.Requested, (await InferenceAsync(id)).Status);

        // The operator clears it: the worker serves its open inferences again, the adapter is refused and quarantined
        // again (its bytes are the same), and they go back to waiting for their deadline.
        var cleared = await openLora.UnloadAsync(bad);
        Assert.True(cleared.Ok, cleared.Message);
        Assert.Equal(("evicted", null), (cleared.Adapter!.State, cleared.Adapter.Reason));
        await UntilStatusAsync(worker, s => s.Failed == status.Failed + EachModel && s.Refused == EachModel);
        Assert.Equal("quarantined", (await openLora.ListAdaptersAsync()).Single(a => a.Adapter == bad).State);
    }

    /// <summary>Signs the bodies with consecutive nonces, submits them together and waits until the last commits.</summary>
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
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"inference {id} is still {inference.Status}");
            await Task.Delay(100);
        }
    }

    private static async Task<InferenceWorkerStatus> UntilStatusAsync(IInferenceServingGrain worker, Func<InferenceWorkerStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = await worker.GetStatusAsync();
            if (condition(status)) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the worker's status never matched; last: {status}");
            await Task.Delay(100);
        }
    }
}
