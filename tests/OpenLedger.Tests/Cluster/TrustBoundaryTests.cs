using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Serialization;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cluster;

/// <summary>
/// What a party holding a connection to the cluster (an Orleans client, like the test's) can do with transactions
/// that are not properly signed: nothing. A transaction handed to a grain as "verified" is verified again where it
/// arrives, and the state transition checks the chain id whoever handed it over. Uses dev keys 8 and 9.
/// </summary>
[Collection("ledger-cluster")]
public class TrustBoundaryTests(LedgerClusterFixture fx)
{
    private PrivateKey Victim => fx.Chain.Keys[8];
    private PrivateKey Thief => fx.Chain.Keys[9];

    private async Task<ulong> NextNonceAsync(Address a) => (await fx.AccountAsync(a)).NextNonce;

    private static VerifiedTransaction Forged(SignedTransaction signed) => new(signed, signed.Encode());

    [Fact]
    public async Task Forged_transactions_handed_to_the_mempool_as_verified_are_refused_and_move_nothing()
    {
        var nonce = await NextNonceAsync(Victim.Address);
        var before = await fx.BalanceAsync(Victim.Address);
        var theft = new Transaction(fx.Chain.Rules.ChainId, Victim.Address, nonce, fx.Chain.GasPrice,
            new Transfer(Thief.Address, Wei.FromOpen(1_000)));
        var zeroSignature = new SignedTransaction(theft, new Signature(Hash32.Zero, Hash32.Zero, 27));
        var wrongKey = theft.Sign(Thief);
        var mempool = fx.Client.GetGrain<IMempoolGrain>(0);

        foreach (var (forged, code) in new[] { (zeroSignature, "BadSignature"), (wrongKey, "SignerMismatch") })
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => mempool.AddAsync(new TxBatch([Forged(forged)])));
            var unverified = Assert.IsType<UnverifiedTransactionException>(refused.GetBaseException());
            Assert.Equal(code, unverified.Code);
            Assert.False(await mempool.ContainsAsync(forged.Hash));
        }

        // The node keeps serving: a properly signed transfer of the victim's commits with the very nonce the forgeries used.
        var honest = fx.Chain.Transfer(Victim, Thief.Address, Wei.FromOpen(1), nonce);
        Assert.True((await fx.SubmitAsync(honest.Encode())).Accepted);
        var committed = await fx.WaitAsync(honest.Hash);
        Assert.True(committed.Succeeded);
        Assert.Equal(before - Wei.FromOpen(1) - committed.Fee!.Value, await fx.BalanceAsync(Victim.Address));
    }

    [Fact]
    public async Task A_transaction_signed_for_another_chain_and_handed_over_as_verified_is_excluded_from_the_block()
    {
        var nonce = await NextNonceAsync(Thief.Address);
        var before = await fx.BalanceAsync(Thief.Address);
        // Properly signed, but for another chain: its signature verifies, its chain id does not match.
        var replay = fx.Chain.Transfer(Thief, Victim.Address, Wei.FromOpen(2), nonce, chainId: fx.Chain.Rules.ChainId + 1);
        var mempool = fx.Client.GetGrain<IMempoolGrain>(0);
        await mempool.AddAsync(new TxBatch([Forged(replay)]));

        // A later honest transaction of the same sender and nonce commits; the replay never does.
        await Poll.UntilAsync(async () => !await mempool.ContainsAsync(replay.Hash), "the other chain's transaction dropped",
            () => "still pending");
        var honest = fx.Chain.Transfer(Thief, Victim.Address, Wei.FromOpen(1), nonce);
        Assert.True((await fx.SubmitAsync(honest.Encode())).Accepted);
        var committed = await fx.WaitAsync(honest.Hash);
        Assert.Equal(before - Wei.FromOpen(1) - committed.Fee!.Value, await fx.BalanceAsync(Thief.Address));
        Assert.Null((await fx.Store.GetTransactionAsync(replay.Hash)));
    }
}
