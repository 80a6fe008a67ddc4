using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Ledger;
using OpenLedger.Silo.Cli;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Storage;

/// <summary>The producer grain under a fence (issue 16), on a real PostgreSQL server and a real Orleans test cluster:
/// when another producer claims a newer epoch (as a second silo's activation would), the running activation's next
/// commit is refused; it writes nothing, stops and deactivates instead of retrying. The mempool's watchdog then
/// reactivates the producer, whose new activation claims the next epoch and commits the waiting transaction.</summary>
[Collection(PostgresCollection.Name)]
public sealed class FencedProducerGrainTests(PostgresServerFixture pg)
{
    [Fact]
    public async Task A_fenced_producer_stops_and_a_new_activation_with_a_newer_epoch_commits_the_transaction()
    {
        var conn = await pg.CreateDatabaseAsync($"fenced_producer_{Environment.ProcessId}");
        var chain = new TestChain(accounts: 4, blockIntervalMs: 100);
        var to = PrivateKey.Derive("fence", "to").Address;
        await using var cluster = await PostgresLedgerTests.StartClusterAsync(chain, conn);
        var other = new SqlLedgerStore(StorageBackend.PostgreSql, conn);

        var first = await PostgresLedgerTests.TransferAsync(cluster.Client, chain, chain.Keys[0], to, Wei.FromOpen(1));
        Assert.Equal(TxStatus.Committed, first.Status);
        var running = (await other.GetProducerEpochAsync())!.Value;

        // Another producer takes over behind the running activation's back.
        var theirs = await other.ClaimProducerEpochAsync("a producer on another silo");
        Assert.Equal(running + 1, theirs);

        // The running activation's next block is refused; the transaction goes back to the mempool and a new
        // activation (one more claim) commits it.
        var second = await PostgresLedgerTests.TransferAsync(cluster.Client, chain, chain.Keys[1], to, Wei.FromOpen(2));
        Assert.Equal(TxStatus.Committed, second.Status);
        Assert.Equal(theirs + 1, await other.GetProducerEpochAsync());
        Assert.Equal(2, (await other.GetHeadAsync())!.Height);
        Assert.Equal(Wei.FromOpen(3), (await other.GetAccountsAsync([to]))[to].Balance);
        Assert.True((await VerifyCommand.VerifyAsync(chain.Rules, other)).Ok);
    }
}
