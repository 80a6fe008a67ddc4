using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cluster;

/// <summary>The attack found on a running node: 32 throw-away accounts funded with 0.002 OPEN each fill a
/// 2,000-slot mempool with gapped transfers (a nonce gap at 0, so none can ever execute); afterwards normal
/// transfers, the serving operator's too, were refused with MempoolFull for over 60 blocks. A real node
/// (<see cref="InProcessNode"/>: silo, GraphQL gateway, SQLite file) with the mempool capacity of that node.</summary>
public sealed class MempoolAttackTests
{
    private const int Attackers = 32;
    private const int GappedPerAttacker = 64;

    private static async Task<TransactionView> WaitAsync(IGrainFactory grains, Hash32 hash) =>
        await grains.GetGrain<ITransactionGrain>(GrainKeys.Of(hash)).WaitForCommitAsync(TimeSpan.FromSeconds(20));

    private static async Task<SubmitResult> SubmitAsync(IGrainFactory grains, SignedTransaction tx) =>
        (await grains.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync([tx.Encode()]))[0];

    [Fact]
    public async Task A_normal_transfer_is_admitted_after_an_attacker_fills_the_mempool_with_gapped_transactions()
    {
        var chain = new TestChain(accounts: 5, blockIntervalMs: 200);
        await using var node = await InProcessNode.StartAsync(chain, TestChain.TempDirectory("openledger-mempool-attack"), FreePorts.Next(),
            mempoolCapacity: 2_000);
        var grains = node.Grains;
        var intake = grains.GetGrain<ITransactionIntakeGrain>(0);
        var sink = PrivateKey.Derive("mempool attack", "sink").Address;

        // The attacker funds throw-away accounts with 0.002 OPEN each: enough for ~95 transfers' fees.
        var attackers = Enumerable.Range(0, Attackers).Select(i => PrivateKey.Derive("mempool attack", $"attacker {i}")).ToList();
        var funding = attackers.Select((a, i) => chain.Transfer(chain.Keys[0], a.Address, Wei.Parse("2000000000000000"), (ulong)i)).ToList();
        var funded = await intake.SubmitAsync(funding.Select(t => t.Encode()).ToList());
        Assert.All(funded, r => Assert.True(r.Accepted, r.Message));
        foreach (var t in funding) Assert.Equal(TxStatus.Committed, (await WaitAsync(grains, t.Hash)).Status);

        // Each signs transfers at nonces 1..64: nonce 0 is never sent, so none can ever execute.
        var gapped = attackers.SelectMany(a => Enumerable.Range(1, GappedPerAttacker)
            .Select(n => chain.Transfer(a, sink, new Wei(1), (ulong)n).Encode())).ToList();
        var flood = await intake.SubmitAsync(gapped);
        var held = flood.Count(r => r.Accepted);
        var stats = await grains.GetGrain<IMempoolGrain>(0).GetStatsAsync();
        Assert.True(held > 0);
        Assert.True(stats.Pending < 2_000, $"the gapped flood holds {stats.Pending} of 2,000 slots");
        Assert.All(flood.Where(r => !r.Accepted), r => Assert.Contains(r.ErrorCode, new[] { "FutureQueueFull", "MempoolFull" }));

        // A normal transfer and the serving operator's are admitted and commit.
        var normal = chain.Transfer(chain.Keys[1], sink, Wei.FromOpen(1), 0);
        var operatorTx = chain.Transfer(chain.ServingOperator, sink, Wei.FromOpen(1), 0);
        var admitted = await intake.SubmitAsync([normal.Encode(), operatorTx.Encode()]);
        Assert.All(admitted, r => Assert.True(r.Accepted, $"{r.ErrorCode}: {r.Message}"));
        Assert.Equal(TxStatus.Committed, (await WaitAsync(grains, normal.Hash)).Status);
        Assert.Equal(TxStatus.Committed, (await WaitAsync(grains, operatorTx.Hash)).Status);

        // A wave of 1,500 normal transfers, more than the room the attacker left, is admitted too: executable
        // transactions displace gapped ones at the same price.
        var wave = chain.Keys.Skip(2).SelectMany(k => Enumerable.Range(0, 500).Select(i => chain.Transfer(k, sink, new Wei(1), (ulong)i))).ToList();
        Assert.True(wave.Count + held > 1_800, "the wave must need room the gapped transactions hold");
        var waveResults = await intake.SubmitAsync(wave.Select(t => t.Encode()).ToList());
        Assert.All(waveResults, r => Assert.True(r.Accepted, $"{r.ErrorCode}: {r.Message}"));
        foreach (var k in chain.Keys.Skip(2))
            Assert.Equal(TxStatus.Committed, (await WaitAsync(grains, wave.Last(t => t.Tx.From == k.Address).Hash)).Status);
    }
}
