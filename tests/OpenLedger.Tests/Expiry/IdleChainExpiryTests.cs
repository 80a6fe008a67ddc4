using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Silo.Hosting;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Expiry;

/// <summary>Nothing stays locked on an idle chain. The real node executable on a dev chain without --empty-blocks and
/// with short deadlines: an inference requested and never served, and a contribution never curated, are both
/// refunded to the wei with no further transaction (the producer seals a block every interval while anything with a
/// block deadline is open), each with its event; GraphQL shows each deadline as a height and an estimated time; and
/// once nothing is open the producer stops sealing (the head height stops moving).</summary>
public sealed class IdleChainExpiryTests(ITestOutputHelper output) : IDisposable
{
    private const int BlockIntervalMs = 100;
    private const long InferenceTimeoutBlocks = 20;
    // Well above the inference's: the contribution commits a few blocks before the inference is requested, and on a
    // loaded CI machine that gap once passed 10 blocks (1 s), putting the contribution's deadline first (a flake).
    private const long CurationTimeoutBlocks = 60;
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(20);

    private readonly TestChain _chain = new(accounts: 4, blockIntervalMs: BlockIntervalMs, market: m =>
    {
        m.InferenceTimeoutBlocks = InferenceTimeoutBlocks;
        m.CurationTimeoutBlocks = CurationTimeoutBlocks;
    });
    private readonly string _root = TestChain.TempDirectory("openledger-idle-expiry");
    private NodeProcess? _node;
    private bool _passed;

    [Fact]
    public async Task An_idle_dev_node_expires_a_due_inference_and_a_due_contribution_then_stops_sealing()
    {
        var genesisPath = Path.Combine(_root, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, _chain.Genesis.ToJson() + "\n");
        _node = new NodeProcess(Path.Combine(_root, "data"), genesisPath, ["--no-ml"]);
        await _node.StartAsync(TimeSpan.FromSeconds(90));
        using var host = await NodeClient.ConnectAsync(_node.Settings);
        var grains = host.Services.GetRequiredService<IClusterClient>();
        using var graphql = new LedgerClient(new Uri($"http://127.0.0.1:{_node.HttpPort}/graphql"));
        var (owner, contributor, caller) = (_chain.Keys[1], _chain.Keys[2], _chain.Keys[3]);
        var chain = grains.GetGrain<IChainGrain>(0);

        async Task<SignedTransaction> CommitAsync(PrivateKey key, ITxBody body)
        {
            var nonce = (await grains.GetGrain<IAccountGrain>(GrainKeys.Of(key.Address)).GetAsync()).NextNonce;
            var tx = new Transaction(_chain.Rules.ChainId, key.Address, nonce, _chain.GasPrice, body).Sign(key);
            var result = (await grains.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync([tx.Encode()]))[0];
            Assert.True(result.Accepted, $"{body.Kind} rejected: {result.ErrorCode}: {result.Message}");
            var view = await grains.GetGrain<ITransactionGrain>(GrainKeys.Of(tx.Hash)).WaitForCommitAsync(CommitTimeout);
            Assert.True(view is { Status: TxStatus.Committed, Succeeded: true }, $"{body.Kind} {tx.Hash}: {view.Status}, {view.ErrorCode}");
            return tx;
        }
        async Task<Wei> BalanceAsync(PrivateKey key) => (await grains.GetGrain<IAccountGrain>(GrainKeys.Of(key.Address)).GetAsync()).Balance;
        async Task<T?> ObjectAsync<T>(Hash32 id) where T : class, IMarketObject =>
            (await grains.GetGrain<IMarketQueryGrain>(0).GetObjectAsync(id))?.Object as T;

        // A model on a published version, so an inference can be requested.
        var datanet = (await CommitAsync(owner, new CreateDatanet("idle", "", ["idle"], "CC0", TaskKind.Text,
            new Wei(1_000), new Wei(5_000), ForfeitRule.Owner, []))).Hash;
        var first = (await grains.GetGrain<IContentGrain>(0).PutAsync("the first example, approved"u8.ToArray())).Content!;
        var approved = (await CommitAsync(contributor, new Contribute(datanet, first.Hash, first.NormalizedHash, (ulong)first.Size))).Hash;
        await CommitAsync(owner, new Curate(approved, true, "fine"));
        await CommitAsync(owner, new PublishVersion(datanet));
        var model = (await CommitAsync(owner, new RegisterModel("idle model", "openledger-base", Keccak256.Hash("adapter"),
            [DatanetVersion.IdOf(datanet, 1)], Keccak256.Hash("record"), new Wei(1_000_000), 7_000, 2_000, 1_000))).Hash;

        // Early failure with admission's code on the GraphQL upload path when the datanet is named.
        var early = await Assert.ThrowsAsync<GraphQLRequestException>(() => graphql.UploadAsync([0x20, 0xFF, 0x20], datanet));
        Assert.Equal("InvalidTaskExample", early.Code);

        // Locked: a contribution nobody curates, and an inference nobody serves. Then no transaction at all.
        var second = (await grains.GetGrain<IContentGrain>(0).PutAsync("the second example, never curated"u8.ToArray())).Content!;
        var pending = (await CommitAsync(contributor, new Contribute(datanet, second.Hash, second.NormalizedHash, (ulong)second.Size))).Hash;
        var contributorLocked = await BalanceAsync(contributor);
        var inference = (await CommitAsync(caller, new RequestInference(model, Keccak256.Hash("input"), new Wei(1_000_000)))).Hash;
        var callerLocked = await BalanceAsync(caller);
        var escrow = (await ObjectAsync<InferenceRequest>(inference))!.Escrow;
        var stake = (await ObjectAsync<Contribution>(pending))!.Stake;
        Assert.Equal(new Wei(1_000_000), escrow);
        Assert.Equal(new Wei(5_000), stake);

        // GraphQL shows each deadline as a height and an estimated wall-clock time.
        var views = await graphql.QueryAsync("query($i: Hash!, $c: Hash!) { inference(id: $i) { deadlineHeight expiresAt } contribution(id: $c) { deadlineHeight expiresAt } }",
            new { i = inference.ToString(), c = pending.ToString() });
        var requestedAt = DateTimeOffset.UtcNow;
        var inferenceExpiresAt = views.GetProperty("inference").GetProperty("expiresAt").GetDateTimeOffset();
        var contributionExpiresAt = views.GetProperty("contribution").GetProperty("expiresAt").GetDateTimeOffset();
        var inferenceDeadline = views.GetProperty("inference").GetProperty("deadlineHeight").GetInt64();
        var contributionDeadline = views.GetProperty("contribution").GetProperty("deadlineHeight").GetInt64();
        Assert.True(contributionDeadline > inferenceDeadline);
        var expectedInference = requestedAt + TimeSpan.FromMilliseconds((InferenceTimeoutBlocks + 1) * BlockIntervalMs);
        Assert.True((inferenceExpiresAt - expectedInference).Duration() < TimeSpan.FromSeconds(3),
            $"inference expiresAt {inferenceExpiresAt:O}, expected about {expectedInference:O}");
        Assert.True(contributionExpiresAt > inferenceExpiresAt);

        // Idle from here: both expire on their own, within the estimate's time (plus slack for a busy machine).
        var clock = Stopwatch.StartNew();
        while ((await ObjectAsync<Contribution>(pending))!.Status != ContributionStatus.Expired && clock.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(100);
        var expiredAfter = clock.Elapsed;
        Assert.Equal(InferenceStatus.Expired, (await ObjectAsync<InferenceRequest>(inference))!.Status);
        Assert.Equal(ContributionStatus.Expired, (await ObjectAsync<Contribution>(pending))!.Status);
        output.WriteLine($"both expired {expiredAfter.TotalSeconds:0.0} s after the request (estimate: contribution at {contributionExpiresAt:O}, measured {DateTimeOffset.UtcNow:O})");

        // Refunded to the wei, with their events.
        Assert.Equal(callerLocked + escrow, await BalanceAsync(caller));
        Assert.Equal(contributorLocked + stake, await BalanceAsync(contributor));
        var market = grains.GetGrain<IMarketQueryGrain>(0);
        var inferenceEvents = await market.QueryEventsAsync(new MarketEventQuery(Subject: inference, Kinds: [MarketEventKind.InferenceExpired]));
        Assert.Single(inferenceEvents);
        var contributionEvents = await market.QueryEventsAsync(new MarketEventQuery(Subject: pending, Kinds: [MarketEventKind.ContributionExpired]));
        Assert.Single(contributionEvents);
        Assert.Equal(inferenceDeadline + 1, inferenceEvents[0].Height);
        Assert.Equal(contributionDeadline + 1, contributionEvents[0].Height);

        // Nothing is open any more: the producer stops sealing (the head stays put over many intervals).
        var head = (await chain.GetInfoAsync()).HeadHeight;
        Assert.Equal(contributionDeadline + 1, head);
        await Task.Delay(BlockIntervalMs * 15);
        Assert.Equal(head, (await chain.GetInfoAsync()).HeadHeight);
        var afterwards = await graphql.QueryAsync("query($i: Hash!) { inference(id: $i) { status expiresAt } }", new { i = inference.ToString() });
        Assert.Equal(JsonValueKind.Null, afterwards.GetProperty("inference").GetProperty("expiresAt").ValueKind);

        try { await host.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token); }
        catch (Exception) { } // the node is killed next either way
        _passed = true;
    }

    public void Dispose()
    {
        if (!_passed && _node is not null) output.WriteLine(_node.Output);
        _node?.Dispose();
        if (_passed) try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
