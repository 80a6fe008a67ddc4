using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cluster;

/// <summary>Found on a running node: with maxBlockGas 1,000,000 (47 transfers), 13 of 60 transfers were cut off by
/// the block gas limit, stayed "in flight" for good, and locked their sender out until a restart.</summary>
public sealed class BlockGasLimitTests
{
    [Fact]
    public async Task Sixty_transfers_all_commit_under_a_block_gas_limit_that_fits_fewer_and_their_sender_can_send_again()
    {
        var chain = new TestChain(accounts: 2, blockIntervalMs: 100, maxBlockGas: 1_000_000);
        await using var node = await InProcessNode.StartAsync(chain, TestChain.TempDirectory("openledger-gas-limit"), FreePorts.Next());
        var grains = node.Grains;
        var sender = chain.Keys[0];
        var to = PrivateKey.Derive("gas limit", "to").Address;

        var sent = Enumerable.Range(0, 60).Select(n => chain.Transfer(sender, to, new Wei(1), (ulong)n)).ToList();
        var results = await grains.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync(sent.Select(t => t.Encode()).ToList());
        Assert.All(results, r => Assert.True(r.Accepted, r.Message));

        var views = await Task.WhenAll(sent.Select(t => grains.GetGrain<ITransactionGrain>(GrainKeys.Of(t.Hash)).WaitForCommitAsync(TimeSpan.FromSeconds(20))));
        Assert.All(views, v => Assert.Equal(TxStatus.Committed, v.Status));
        Assert.True(views.Select(v => v.BlockHeight).Distinct().Count() >= 2, "60 transfers cannot fit one block of 1,000,000 gas");
        foreach (var height in views.Select(v => v.BlockHeight!.Value).Distinct())
            Assert.True((await grains.GetGrain<IBlockGrain>(height).GetAsync())!.GasUsed <= 1_000_000);

        // The sender is not locked out: its next transfer commits.
        var next = chain.Transfer(sender, to, new Wei(1), 60);
        Assert.True((await grains.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync([next.Encode()]))[0].Accepted);
        Assert.Equal(TxStatus.Committed, (await grains.GetGrain<ITransactionGrain>(GrainKeys.Of(next.Hash)).WaitForCommitAsync(TimeSpan.FromSeconds(20))).Status);
        var mempool = await grains.GetGrain<IMempoolGrain>(0).GetStatsAsync();
        Assert.Equal((0, 0), (mempool.Pending, mempool.InFlight));
    }
}
