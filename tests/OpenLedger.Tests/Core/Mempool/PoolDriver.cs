using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;
using OpenLedger.Core.Mempool;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Core.Mempool;

/// <summary>A <see cref="TransactionPool"/> under test with its own clock and eviction log, and cheap transactions:
/// the pool never checks signatures (the verifiers did), so these carry a blank one and skip secp256k1.</summary>
internal sealed class PoolDriver
{
    public static readonly TestChain Chain = new(accounts: 2);
    public static readonly Address Sink = Account("sink");

    public ChainRules Rules { get; }
    public TransactionPool Pool { get; }
    public List<Eviction> Evicted { get; } = [];
    public long Now { get; set; } = 1_000;

    public PoolDriver(MempoolOptions options, ChainRules? rules = null)
    {
        Rules = rules ?? Chain.Rules;
        Pool = new TransactionPool(Rules, options);
    }

    public Wei Floor => Rules.GasPriceFloor;
    public Address ServingOperator => Rules.Market.ServingOperators[0];

    public static Address Account(string label) => new(Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(label)).AsSpan()[12..]);

    /// <summary>A sender the pool knows, with this committed balance and nonce.</summary>
    public Address Sender(string label, Wei? balance = null, ulong nonce = 0)
    {
        var a = Account(label);
        Pool.AddSender(a, new AccountState(balance ?? Wei.FromOpen(1_000), nonce));
        return a;
    }

    public static VerifiedTransaction Transfer(ChainRules rules, Address from, ulong nonce, Wei price, Wei? amount = null) =>
        Wrap(new Transaction(rules.ChainId, from, nonce, price, new Transfer(Sink, amount ?? new Wei(1))));

    /// <summary>A larger transaction (a datanet whose description is <paramref name="padding"/> characters, no stake).</summary>
    public static VerifiedTransaction Large(ChainRules rules, Address from, ulong nonce, Wei price, int padding) =>
        Wrap(new Transaction(rules.ChainId, from, nonce, price,
            new CreateDatanet($"d{nonce}", new string('x', padding), [], "CC0", TaskKind.Text, Wei.Zero, Wei.Zero, ForfeitRule.Owner, [])));

    public static VerifiedTransaction Wrap(Transaction tx)
    {
        var signed = new SignedTransaction(tx, new Signature(Hash32.Zero, Hash32.Zero, 27));
        return new VerifiedTransaction(signed, signed.Encode());
    }

    public VerifiedTransaction Transfer(Address from, ulong nonce, Wei? price = null, Wei? amount = null) =>
        Transfer(Rules, from, nonce, price ?? Floor, amount);

    public LedgerError Admit(VerifiedTransaction tx) => Pool.Admit(tx, Now, Evicted);

    public void AdmitOk(VerifiedTransaction tx)
    {
        var e = Admit(tx);
        Assert.False(e.IsError, e.ToString());
    }

    public Wei Price(UInt128 perGasAboveFloor) => new(Floor.Value + perGasAboveFloor);

    public EvictionReason? EvictionOf(VerifiedTransaction tx) => Pool.TryGetEviction(tx.Hash, out var r) ? r : null;

    public void AssertConsistent() => Assert.Null(Pool.FindInconsistency());
}
