using System.Diagnostics;
using OpenLedger.Client;
using OpenLedger.Core.Money;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Clients;

/// <summary>
/// The mempool's contract (README "Mempool"): its pending transactions die with its silo, the node then answers
/// <c>transaction(hash)</c> with null (status UNKNOWN), and clients resubmit the same signed bytes. Here the mempool's
/// silo is really killed: the node process (one silo, SQLite) is SIGKILLed with transactions pending and started again.
/// <see cref="LedgerClient.WaitResubmittingAsync"/> rides out the restart, resubmits its transaction (same hash) and sees
/// it commit; a transaction whose nonce another one took meanwhile is reported replaced, not waited on forever.
/// The pending ones are gapped (nonce one ahead), so they stay pending until the test fills the gap.
/// </summary>
public sealed class LostTransactionResubmitTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(180);

    private readonly TestChain _chain = new(accounts: 4);
    private readonly string _root = TestChain.TempDirectory("openledger-resubmit");
    private NodeProcess? _node;

    public async Task InitializeAsync()
    {
        var genesis = Path.Combine(_root, "genesis.json");
        await File.WriteAllTextAsync(genesis, _chain.Genesis.ToJson() + "\n");
        _node = new NodeProcess(Path.Combine(_root, "data"), genesis);
        await _node.StartAsync(Start);
    }

    public Task DisposeAsync()
    {
        _node?.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_transaction_lost_with_the_mempools_silo_is_resubmitted_and_commits_and_a_taken_nonce_is_reported_replaced()
    {
        var node = _node!;
        using var client = new LedgerClient(new Uri($"http://127.0.0.1:{node.HttpPort}/graphql"));
        var (resubmitter, replaced, to) = (_chain.Keys[0], _chain.Keys[1], _chain.Keys[2].Address);
        var n1 = await client.NextNonceAsync(resubmitter.Address);
        var n2 = await client.NextNonceAsync(replaced.Address);
        var gapped = _chain.Transfer(resubmitter, to, new Wei(1_000), n1 + 1);
        var doomed = _chain.Transfer(replaced, to, new Wei(2_000), n2 + 1);
        Assert.All(await client.SubmitAsync([gapped, doomed]), r => Assert.True(r.Accepted, r.Message));
        Assert.Equal(TransactionStatus.Pending, (await client.GetTransactionAsync(gapped.Hash)).Status);

        var clock = Stopwatch.StartNew();
        var waiting = client.WaitResubmittingAsync(gapped, Wait);
        node.Kill();
        await node.StartAsync(Start);
        output.WriteLine($"node restarted {clock.Elapsed.TotalSeconds:0.0} s after the kill");

        // The restarted mempool has none of them: the node says so plainly.
        var lost = await client.QueryAsync("query($h: Hash!) { transaction(hash: $h) { status } }", new { h = doomed.Hash.ToString() });
        Assert.Equal(System.Text.Json.JsonValueKind.Null, lost.GetProperty("transaction").ValueKind);

        // Meanwhile the other sender uses the lost transaction's nonce for another one.
        var fill2 = _chain.Transfer(replaced, to, new Wei(3_000), n2);
        var taker = _chain.Transfer(replaced, to, new Wei(4_000), n2 + 1);
        Assert.All(await client.SubmitAsync([fill2, taker]), r => Assert.True(r.Accepted, r.Message));
        Assert.Equal(TransactionStatus.Committed, (await client.WaitForCommitAsync(taker.Hash, Wait)).Status);

        // The waiting client resubmits its lost transaction (same bytes, same hash): pending again, with its gap.
        var deadline = DateTime.UtcNow + Wait;
        while ((await client.GetTransactionAsync(gapped.Hash)).Status != TransactionStatus.Pending)
        {
            if (waiting.IsCompleted) Assert.Fail($"the wait ended before resubmitting: {await waiting}");
            Assert.True(DateTime.UtcNow < deadline, "the lost transaction was not resubmitted");
            await Task.Delay(100);
        }
        var fill1 = _chain.Transfer(resubmitter, to, new Wei(5_000), n1);
        Assert.True((await client.SubmitAsync(fill1)).Accepted);
        var committed = await waiting;
        output.WriteLine($"resubmitted {committed.Resubmissions}x, committed in block {committed.View.BlockHeight} {clock.Elapsed.TotalSeconds:0.0} s after the kill");
        Assert.Equal(TransactionStatus.Committed, committed.View.Status);
        Assert.True(committed.View.Succeeded);
        Assert.InRange(committed.Resubmissions, 1, LedgerClient.MaxResubmissions);
        Assert.False(committed.Replaced);

        // The other sender's lost transaction: its nonce is used, so resubmitting it says so, and the wait ends at once.
        var gone = await client.WaitResubmittingAsync(doomed, Wait);
        Assert.True(gone.Replaced);
        Assert.Equal(TransactionStatus.Unknown, gone.View.Status);
        Assert.Equal(1, gone.Resubmissions);
        var outcome = new SendOutcome(doomed, new SendResult(doomed.Hash, null, null), gone.View, true, gone.Resubmissions, gone.Replaced);
        Assert.Equal(SendOutcome.ReplacedCode, outcome.Error);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("will never commit", outcome.Describe(), StringComparison.Ordinal);
    }
}
