using System.Collections.Concurrent;
using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Silo.Cli;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cluster;

/// <summary>The marketplace through a real Orleans cluster on a real SQLite file: uploads to the content store,
/// admission checks, every kind committed by the block producer, the view grains (datanet proofs and near-duplicates,
/// inference long-poll, reward accounting) and the committed events on Orleans streams.</summary>
[Collection("ledger-cluster")]
public sealed class MarketplaceClusterTests(LedgerClusterFixture fx)
{
    private PrivateKey Owner => fx.Chain.Keys[10];
    private PrivateKey Curator => fx.Chain.Keys[11];
    private PrivateKey Alice => fx.Chain.Keys[12];
    private PrivateKey Bob => fx.Chain.Keys[13];
    private PrivateKey Caller => fx.Chain.Keys[14];
    private PrivateKey Stranger => fx.Chain.Keys[15];

    private async Task<ContentDescriptor> UploadAsync(string text)
    {
        var r = await fx.Client.GetGrain<IContentGrain>(0).PutAsync(Encoding.UTF8.GetBytes(text));
        Assert.True(r.Ok, $"{r.ErrorCode}: {r.Message}");
        return r.Content!;
    }

    /// <summary>Content in the prompt-completion format of the test's datanet.</summary>
    private static string QA(string prompt, string completion) =>
        Encoding.UTF8.GetString(TaskExampleFormat.Format(TaskKind.PromptCompletion, new TaskExample(prompt, completion)));

    private async Task<SignedTransaction> SignAsync(PrivateKey key, ITxBody body, int offset = 0)
    {
        var nonce = (await fx.AccountAsync(key.Address)).NextNonce + (ulong)offset;
        return new Transaction(fx.Chain.Rules.ChainId, key.Address, nonce, fx.Chain.GasPrice, body).Sign(key);
    }

    /// <summary>Submits, waits, and returns the committed view (asserting the expected outcome).</summary>
    private async Task<TransactionView> CommitAsync(PrivateKey key, ITxBody body, string? expectedError = null)
    {
        var tx = await SignAsync(key, body);
        var submitted = await fx.SubmitAsync(tx.Encode());
        Assert.True(submitted.Accepted, $"{body.Kind}: {submitted.ErrorCode}: {submitted.Message}");
        var view = await fx.WaitAsync(tx.Hash);
        Assert.Equal(TxStatus.Committed, view.Status);
        Assert.Equal(expectedError ?? "None", view.ErrorCode ?? "None");
        return view;
    }

    [Fact]
    public async Task The_marketplace_runs_end_to_end_through_grains_and_streams()
    {
        // Subscribe to the datanet's and Alice's streams only after we know the datanet id: ids are tx hashes.
        var create = await SignAsync(Owner, new CreateDatanet("Medical QA", "questions and answers", ["medical", "qa"], "CC-BY-4.0",
            TaskKind.PromptCompletion, Wei.FromOpen(1) , Wei.FromOpen(2), ForfeitRule.Owner, [Curator.Address]));
        var datanet = create.Hash;
        await using var subscriptions = new MarketEventSubscriptions(fx.Client);
        var datanetEvents = new ConcurrentQueue<MarketEventMessage>();
        var aliceEvents = new ConcurrentQueue<MarketEventMessage>();
        var settledSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var s1 = await subscriptions.SubscribeAsync(MarketStreams.DatanetStream(GrainKeys.Of(datanet)), e => { datanetEvents.Enqueue(e); return Task.CompletedTask; });
        await using var s2 = await subscriptions.SubscribeAsync(MarketStreams.RewardsStream(GrainKeys.Of(Alice.Address)), e =>
        {
            aliceEvents.Enqueue(e);
            if (e.Kind == nameof(MarketEventKind.RewardCredited)) settledSeen.TrySetResult();
            return Task.CompletedTask;
        });

        Assert.True((await fx.SubmitAsync(create.Encode())).Accepted);
        Assert.Equal("None", (await fx.WaitAsync(create.Hash)).ErrorCode ?? "None");

        // Content: the node refuses a contribution whose content it does not hold, or whose declared hashes lie.
        var a = await UploadAsync(QA("What is the normal  resting heart rate of an adult?", "Between 60 and 100 beats per minute."));
        var b = await UploadAsync(QA("Which organ produces insulin?", "The pancreas, in the islets of Langerhans."));
        var missing = await SignAsync(Alice, new Contribute(datanet, Keccak256.Hash("never uploaded"), Keccak256.Hash("x"), 10));
        var lying = await SignAsync(Alice, new Contribute(datanet, a.Hash, Keccak256.Hash("not the normalized hash"), (ulong)a.Size));
        var admitted = await fx.Intake.SubmitAsync([missing.Encode(), lying.Encode()]);
        Assert.Equal("ContentNotFound", admitted[0].ErrorCode);
        Assert.Equal("ContentMismatch", admitted[1].ErrorCode);

        var balanceBefore = await fx.BalanceAsync(Alice.Address);
        var ownerBefore = await fx.BalanceAsync(Owner.Address);
        var ca = await CommitAsync(Alice, new Contribute(datanet, a.Hash, a.NormalizedHash, (ulong)a.Size));
        var cb = await CommitAsync(Bob, new Contribute(datanet, b.Hash, b.NormalizedHash, (ulong)b.Size));
        // Same words, different spacing: the same normalized content, an exact duplicate on chain.
        var dup = await UploadAsync(QA("What is the normal resting heart rate of an adult?", "Between 60 and 100 beats per minute."));
        Assert.Equal(a.NormalizedHash, dup.NormalizedHash);
        Assert.NotEqual(a.Hash, dup.Hash);
        await CommitAsync(Bob, new Contribute(datanet, dup.Hash, dup.NormalizedHash, (ulong)dup.Size), "DuplicateContribution");
        // A near-duplicate (one word changed) is admitted and flagged for curators.
        var near = await UploadAsync(QA("What is the normal resting heart rate of an adult?", "Between 60 and 100 beats per minute!! yes"));
        var cn = await CommitAsync(Bob, new Contribute(datanet, near.Hash, near.NormalizedHash, (ulong)near.Size));

        // Fee: 1 OPEN per started KiB to the owner; stake 2 OPEN held; gas to the producer.
        var gasFee = new Wei(fx.Chain.GasPrice.Value * fx.Chain.Rules.GasOf(TxKind.Contribute));
        Assert.Equal(balanceBefore - Wei.FromOpen(3) - gasFee, await fx.BalanceAsync(Alice.Address));

        // Curation: a stranger cannot; the curator approves two and rejects the near-duplicate (stake to the owner).
        await CommitAsync(Stranger, new Curate(ca.Hash, true, "looks good"), "NotCurator");
        await CommitAsync(Curator, new Curate(ca.Hash, true, "accurate"));
        await CommitAsync(Owner, new Curate(cb.Hash, true, "accurate"));
        await CommitAsync(Curator, new Curate(cn.Hash, false, "near-duplicate of another contribution"));
        await CommitAsync(Curator, new Curate(cn.Hash, true, "changed my mind"), "AlreadyCurated");

        var datanetGrain = fx.Client.GetGrain<IDatanetGrain>(GrainKeys.Of(datanet));
        var similar = await datanetGrain.GetNearDuplicatesAsync(cn.Hash);
        Assert.Contains(similar, s => s.Contribution == ca.Hash && s.Similarity >= 0.8);
        Assert.DoesNotContain(similar, s => s.Contribution == cb.Hash);

        await CommitAsync(Curator, new PublishVersion(datanet));
        await CommitAsync(Curator, new PublishVersion(datanet), "NothingToPublish");
        var d = (await datanetGrain.GetAsync())!.As<Datanet>();
        Assert.Equal((3, 2, 1, 1u), (d.Contributions, d.Approved, d.Rejected, d.Versions));
        // Owner got: 3 contribution fees (1 OPEN each, all < 1 KiB) + the rejected stake.
        var ownerGas = new Wei(fx.Chain.GasPrice.Value * fx.Chain.Rules.GasOf(TxKind.Curate));
        Assert.Equal(ownerBefore + Wei.FromOpen(3) + Wei.FromOpen(2) - ownerGas, await fx.BalanceAsync(Owner.Address));

        // Proofs: each approved contribution is in version 1; the rejected one is in none.
        var proof = (await datanetGrain.GetProofAsync(cb.Hash, 1))!;
        var steps = proof.Siblings.Select((h, i) => new MerkleStep(h, proof.SiblingOnLeft[i])).ToList();
        Assert.True(new MerkleProof(proof.Content, proof.Index, proof.Count, steps).Verify(proof.Root));
        Assert.Equal(MerkleTree.Root([a.Hash, b.Hash]), proof.Root);
        Assert.Null(await datanetGrain.GetProofAsync(cn.Hash, 1));

        // Model and paid inference.
        var version = DatanetVersion.IdOf(datanet, 1);
        await CommitAsync(Owner, new RegisterModel("med-qa", "openledger-base", Keccak256.Hash("adapter"), [version], Keccak256.Hash("record"),
            Wei.FromOpen(10), 5_000, 4_000, 1_000), null);
        var register = await fx.Client.GetGrain<IMarketQueryGrain>(0).QueryObjectsAsync(new MarketObjectQuery(MarketObjectKind.Model, Party: Owner.Address));
        var model = register.Single().As<Model>();
        await CommitAsync(Stranger, new UpdateModel(model.Id, Wei.FromOpen(1), ModelStatus.Active, Hash32.Zero, Hash32.Zero, []), "NotModelOwner");
        await CommitAsync(Caller, new RequestInference(model.Id, Keccak256.Hash("input"), Wei.FromOpen(9)), "PriceAboveMaximum");
        var request = await CommitAsync(Caller, new RequestInference(model.Id, Keccak256.Hash("input"), Wei.FromOpen(10)));
        var inferenceGrain = fx.Client.GetGrain<IInferenceGrain>(GrainKeys.Of(request.Hash));
        var requested = (await inferenceGrain.GetAsync())!;
        Assert.Equal(InferenceStatus.Requested, requested.As<InferenceRequest>().Status);

        // Only the serving operator posts the result; the inference's committed state then says so (the GraphQL
        // inference(id) subscription follows that state block by block: GraphQLModelFactoryTests).
        await CommitAsync(Stranger, new PostResult(request.Hash, Keccak256.Hash("output")), "NotServingOperator");
        await CommitAsync(fx.Chain.ServingOperator, new PostResult(request.Hash, Keccak256.Hash("output")));
        var served = (await inferenceGrain.GetAsync())!;
        Assert.Equal(InferenceStatus.Served, served.As<InferenceRequest>().Status);
        Assert.True(served.UpdatedHeight > requested.UpdatedHeight);

        await CommitAsync(Stranger, new SettleAttribution(request.Hash, Keccak256.Hash("attribution"), [ca.Hash, cb.Hash], [3, 1]), "NotAttributionOperator");
        await CommitAsync(fx.Chain.AttributionOperator, new SettleAttribution(request.Hash, Keccak256.Hash("attribution"), [cn.Hash], [1]), "AttributionNotInTrainingSet");
        var aliceBefore = await fx.BalanceAsync(Alice.Address);
        var treasuryBefore = await fx.BalanceAsync(fx.Chain.Treasury);
        await CommitAsync(fx.Chain.AttributionOperator, new SettleAttribution(request.Hash, Keccak256.Hash("attribution"), [ca.Hash, cb.Hash], [3, 1]));
        await CommitAsync(fx.Chain.AttributionOperator, new SettleAttribution(request.Hash, Keccak256.Hash("attribution"), [ca.Hash], [1]), "AlreadySettled");

        // 10 OPEN: protocol 1, owner 5, contributors 4 split 3:1.
        Assert.Equal(aliceBefore + Wei.FromOpen(3), await fx.BalanceAsync(Alice.Address));
        Assert.Equal(treasuryBefore + Wei.FromOpen(1), await fx.BalanceAsync(fx.Chain.Treasury));
        var summary = await fx.Client.GetGrain<IRewardAccountGrain>(GrainKeys.Of(Alice.Address)).GetSummaryAsync();
        Assert.Equal(Wei.FromOpen(3), summary.Total);
        Assert.Equal(1, summary.Count);
        Assert.Equal(Wei.FromOpen(3), summary.ByDatanet.Single(t => t.Scope == datanet.ToString()).Amount);
        Assert.Equal(Wei.FromOpen(3), summary.ByModel.Single(t => t.Scope == model.Id.ToString()).Amount);
        Assert.Equal("contributor", summary.ByRole.Single().Scope);

        // The committed events reached the stream subscribers.
        await settledSeen.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var credit = aliceEvents.First(e => e.Kind == nameof(MarketEventKind.RewardCredited));
        Assert.Equal(Wei.FromOpen(3).ToString(), credit.Amount);
        Assert.Equal(ca.Hash.ToString(), credit.Contribution);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!datanetEvents.Any(e => e.Kind == nameof(MarketEventKind.VersionPublished)) && DateTime.UtcNow < deadline) await Task.Delay(50);
        var kinds = datanetEvents.Select(e => e.Kind).ToList();
        Assert.Equal(["DatanetCreated", "ContributionAdded", "ContributionAdded", "ContributionAdded", "ContributionApproved", "ContributionApproved",
            "ContributionRejected", "VersionPublished"], kinds.Take(8));

        // History by query, newest first.
        var history = await fx.Client.GetGrain<IMarketQueryGrain>(0).QueryEventsAsync(new MarketEventQuery(Party: Alice.Address, Kinds: [MarketEventKind.RewardCredited]));
        Assert.Equal(credit.Amount, history.Single().Amount);

        // The whole chain replays, and the supply (balances + stakes + escrows) is unchanged.
        var replay = await VerifyCommand.VerifyAsync(fx.Chain.Rules, fx.Store);
        Assert.True(replay.Ok, replay.ToString());
        Assert.Equal(fx.Chain.Rules.TotalSupply.Value, replay.State.TotalSupply());
        var (stored, _) = await fx.Store.LoadStateAsync();
        Assert.Equal(replay.State.StateRoot(), stored.StateRoot());
    }

    [Fact]
    public async Task Uploads_over_the_chain_limit_or_empty_are_refused_with_a_code()
    {
        var content = fx.Client.GetGrain<IContentGrain>(0);
        var tooBig = await content.PutAsync(new byte[(int)fx.Chain.Rules.Market.MaxContributionBytes + 1]);
        Assert.Equal("ContributionTooLarge", tooBig.ErrorCode);
        Assert.Equal("InvalidField", (await content.PutAsync([])).ErrorCode);
        Assert.Null(await content.GetInfoAsync(Keccak256.Hash(new byte[(int)fx.Chain.Rules.Market.MaxContributionBytes + 1])));
        var ok = await content.PutAsync("still serving"u8.ToArray());
        Assert.True(ok.Ok);
        Assert.Equal("still serving"u8.ToArray(), await content.GetAsync(ok.Content!.Hash));
    }
}
