using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Market;

/// <summary>What a kind's rule sees of the transaction being applied, and the money moves it may make. Rules check
/// everything first and only then move money and put objects, so a rule that fails has changed nothing.</summary>
public readonly record struct TxContext(LedgerState State, ChainRules Rules, long Height, Hash32 TxHash, Address Sender, BlockChanges Changes)
{
    public MarketState Market => State.Market;

    public Wei BalanceOf(Address a) => State.Get(a).Balance;

    /// <summary>Takes wei from an account that was checked to hold them.</summary>
    public void Debit(Address from, Wei amount)
    {
        if (amount == Wei.Zero) return;
        var a = State.Get(from);
        State.Set(from, a with { Balance = a.Balance - amount });
        Changes.Accounts.Add(from);
    }

    /// <summary>Credits an account; a zero credit still creates it (so every touched account exists in the state).</summary>
    public void Credit(Address to, Wei amount)
    {
        var a = State.Get(to);
        State.Set(to, a with { Balance = a.Balance + amount });
        Changes.Accounts.Add(to);
    }

    public void Put(IMarketObject o) => Market.Put(o, Changes);
}
