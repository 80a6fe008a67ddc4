namespace OpenLedger.Core.Books;

/// <summary>Why wei moved: every balance change the ledger makes is one of these. The marketplace (the wei it holds
/// as stakes and escrows) is a side of the stake and escrow postings, so each kind moves wei between two named sides.</summary>
public enum BookKind : byte
{
    /// <summary>An initial allocation of the genesis block (from nobody: the supply itself).</summary>
    Genesis = 1,
    /// <summary>A successful transfer, sender to recipient.</summary>
    Transfer,
    /// <summary>A transaction's fee (gas x gas price), sender to the block producer; a failed transaction pays it too.</summary>
    Gas,
    /// <summary>A contribution's fee, contributor to the datanet's owner.</summary>
    ContributionFee,
    /// <summary>A contribution's stake, contributor to the marketplace until curation.</summary>
    StakeLocked,
    /// <summary>An approved contribution's stake, marketplace back to its contributor.</summary>
    StakeReturned,
    /// <summary>A rejected contribution's stake, marketplace to the datanet's owner or the treasury (its forfeit rule).</summary>
    StakeForfeited,
    /// <summary>An uncurated contribution's stake at its deadline, marketplace back to its contributor.</summary>
    StakeRefunded,
    /// <summary>An inference's price, caller to the marketplace until settlement or expiry.</summary>
    EscrowLocked,
    /// <summary>An expired inference's escrow, marketplace back to its caller.</summary>
    EscrowRefunded,
    /// <summary>An expired inference's escrow, marketplace to the model's owner (when the genesis says so).</summary>
    EscrowToOwner,
    /// <summary>A share of a settled inference's escrow, marketplace to a payee; the posting's role says which
    /// ("protocol", "owner" or "contributor").</summary>
    SettlementCredit,
}
