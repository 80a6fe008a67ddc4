using System.Diagnostics;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Failover;

/// <summary>Producer failover under load, with real processes on a real PostgreSQL: 3 core silos, 1 ML silo and a
/// standalone gateway (<see cref="FailoverCluster"/>). Continuous signed transfers from several dev accounts and paid
/// inferences on a model trained on the ML silo (<see cref="PaidInferenceModel"/>) go through the gateway's GraphQL
/// (<see cref="TransferLoad"/>) while a GraphQL <c>blocks</c> subscription on the gateway records every
/// height. The silo holding the producer (its <c>ledger_producer</c> holder row names the pid) is SIGKILLed and
/// restarted, the first time on an idle chain (only empty blocks: nothing but the producer keepalive wakes the producer
/// there), then under load; then random silos are. Each time the next block must commit within 10 s of the kill. At the
/// end every transaction a client saw committed is still committed in the same block (read back through the gateway),
/// no transaction is on the chain twice, <c>openledger verify</c> passes on the final chain, and the subscription
/// received every height once, in order, across every failover. Kills: OPENLEDGER_FAILOVER_KILLS producer kills and as
/// many random ones (default 2 + 2; the long form is 5).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ProducerFailoverTests(PostgresServerFixture pg, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan FailoverLimit = TimeSpan.FromSeconds(10);
    private readonly string _root = TestChain.TempDirectory("openledger-failover");
    private FailoverCluster? _cluster;
    private bool _passed;

    public async Task InitializeAsync()
    {
        var db = await pg.CreateDatabaseAsync($"failover_{Environment.ProcessId}_{DateTime.UtcNow:HHmmss}");
        _cluster = new FailoverCluster(db, _root, new TestChain(accounts: 8, blockIntervalMs: 500), output.WriteLine);
        await _cluster.StartAsync();
    }

    [Fact]
    public async Task Killing_the_producers_silo_and_random_silos_under_load_loses_no_committed_transaction_and_blocks_resume_within_10_s()
    {
        var cluster = _cluster!;
        var kills = int.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_FAILOVER_KILLS"), out var k) && k > 0 ? k : 2;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_FAILOVER_SEED"), out var s) ? s : Environment.TickCount;
        var rng = new Random(seed);
        output.WriteLine($"failover test: {kills} producer kills + {kills} random kills (OPENLEDGER_FAILOVER_KILLS), seed {seed} (OPENLEDGER_FAILOVER_SEED)");
        var failovers = new List<KillTiming>();
        await using var subscription = await BlockSubscriptionRecorder.StartAsync(cluster.Gateway.GraphQLWebSocketUrl);
        Assert.True(await subscription.WaitForAsync(await cluster.HeadAsync() + 1, TimeSpan.FromSeconds(60)),
            $"the subscription delivered no block ({subscription.Ended})\n{cluster.Output()}");

        // An idle chain: only empty blocks, no transaction to wake the producer through the mempool.
        failovers.Add(await KillAsync(await cluster.ProducerSiloAsync()));

        // Then load: transfers from 6 accounts, and paid inferences (one a second) on a model trained on the ML silo.
        var chain = cluster.Chain;
        var model = await PaidInferenceModel.SetUpAsync(cluster.Gateway.GraphQL, chain.Keys[6], chain.Rules.ChainId, output.WriteLine);
        var load = new TransferLoad(cluster.Gateway.GraphQL, chain.Rules, chain.Keys.Take(6).ToList(), chain.Keys[7].Address);
        var inferences = new TransferLoad(cluster.Gateway.GraphQL, chain.Rules, [chain.Keys[6]], chain.Keys[7].Address, perRequest: 1,
            body: model.Request, pause: TimeSpan.FromSeconds(1));
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(load.RunAsync(stop.Token, TimeSpan.FromSeconds(90)), inferences.RunAsync(stop.Token, TimeSpan.FromSeconds(90)));
        await UntilCommittedAsync(load, 20);
        for (var i = 1; i < kills; i++)
        {
            failovers.Add(await KillAsync(await cluster.ProducerSiloAsync()));
            await UntilCommittedAsync(load, load.Committed.Count + 20);
        }
        for (var i = 0; i < kills; i++)
        {
            failovers.Add(await KillAsync(cluster.Silos[rng.Next(cluster.Silos.Count)]));
            await UntilCommittedAsync(load, load.Committed.Count + 20);
        }
        await stop.CancelAsync();
        var uncommitted = (await running).SelectMany(u => u).ToList();
        output.WriteLine($"load: {load.Submitted} transfers submitted, {load.Committed.Count} seen committed, {load.Resubmitted} resubmitted " +
                         $"(lost with a dead silo's mempool), {load.Refused} submissions refused, {load.FailedRequests} failed requests retried; " +
                         $"{inferences.Submitted} paid inferences submitted, {inferences.Committed.Count} committed, {inferences.Resubmitted} resubmitted");
        Assert.True(inferences.Committed.Count > 0, "no paid inference committed");
        if (uncommitted.Count > 0) Assert.Fail($"{uncommitted.Count} transactions never committed (first {uncommitted[0]})\n{cluster.Output()}");

        foreach (var f in failovers)
            Assert.True(f.NextBlock is { } t && t <= FailoverLimit, $"{f}\n{cluster.Output()}");

        // Every transaction a client saw committed is still committed, in the same block, as the gateway reads it back.
        using (var client = new LedgerClient(cluster.Gateway.GraphQL))
            foreach (var (hash, height) in load.Committed.Concat(inferences.Committed))
            {
                var info = await client.GetTransactionAsync(hash);
                Assert.True(info.Status == TransactionStatus.Committed && info.BlockHeight == height,
                    $"{hash} was seen committed in block {height}; now {info.Status} in block {info.BlockHeight}");
            }

        // No transaction twice on the chain, and the chain replays from genesis.
        var store = new SqlLedgerStore(StorageBackend.PostgreSql, cluster.Postgres);
        var onChain = new HashSet<Hash32>();
        long head = 0;
        await foreach (var block in store.ReadBlocksAsync(0))
        {
            head = block.Header.Height;
            foreach (var raw in block.Transactions)
            {
                Assert.False(TransactionCodec.TryDecode(raw, out var signed).IsError);
                Assert.True(onChain.Add(signed!.Hash), $"{signed.Hash} is on the chain twice (again in block {head})");
            }
        }
        Assert.All(load.Committed.Keys.Concat(inferences.Committed.Keys), h => Assert.Contains(h, onChain));
        var (verifyExit, verifyOutput) = await VerifyAsync(cluster);
        Assert.True(verifyExit == 0, $"openledger verify exited {verifyExit}:\n{verifyOutput}");

        // The subscription saw every height once, in order, from its first block to the head, across every failover.
        Assert.True(await subscription.WaitForAsync(head, TimeSpan.FromSeconds(60)), $"the subscription stopped before height {head} ({subscription.Ended})\n{cluster.Output()}");
        var heights = subscription.Heights;
        for (var i = 1; i < heights.Count; i++)
            Assert.True(heights[i] == heights[i - 1] + 1, $"the subscription delivered height {heights[i]} after {heights[i - 1]}");
        Assert.Null(subscription.Ended);

        var times = failovers.Select(f => f.NextBlock!.Value.TotalSeconds).Order().ToList();
        output.WriteLine($"{failovers.Count} kills ({failovers.Count(f => f.WasProducer)} of the producer's silo): kill -> next block " +
                         $"median {times[times.Count / 2]:0.00} s, max {times[^1]:0.00} s; {heights.Count} blocks seen by the subscription " +
                         $"({heights[0]}..{heights[^1]}); {onChain.Count} transactions on chain; verify: {verifyOutput.Trim().Split('\n')[^1]}; " +
                         $"load average {FailoverCluster.LoadAverage()}");
        _passed = true;
    }

    private async Task<KillTiming> KillAsync(NodeProcess silo)
    {
        var f = await _cluster!.KillAndRestartAsync(silo, TimeSpan.FromSeconds(60));
        Assert.True(f.NextBlock is not null, $"{f}\n{_cluster.Output()}");
        return f;
    }

    /// <summary>Lets the load run until the lanes have seen <paramref name="count"/> transactions committed.</summary>
    private async Task UntilCommittedAsync(TransferLoad load, int count)
    {
        var clock = Stopwatch.StartNew();
        while (load.Committed.Count < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"the load committed {load.Committed.Count} of {count} transactions in 120 s\n{_cluster!.Output()}");
            await Task.Delay(100);
        }
    }

    /// <summary>`openledger verify --postgres ... --genesis ...` as a process: replays the final chain from genesis.</summary>
    private static async Task<(int Exit, string Output)> VerifyAsync(FailoverCluster cluster)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { NodeProcess.ExecutablePath, "verify", "--postgres", cluster.Postgres, "--genesis", cluster.GenesisPath })
            psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OPENLEDGER_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            if (!_passed) output.WriteLine(_cluster.Output());
            await _cluster.DisposeAsync();
        }
        if (_passed)
        {
            try { Directory.Delete(_root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        else output.WriteLine($"the test failed: its directory stays for inspection: {_root}");
    }
}
