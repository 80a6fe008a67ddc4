using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Books;

/// <summary>One movement of wei, with both sides: <see cref="From"/> lost <see cref="Amount"/> and <see cref="To"/>
/// gained it. A null side is the marketplace (stakes and escrows it holds), except that a genesis allocation comes
/// from nobody. <see cref="Party"/> is the account the money was held for (a stake's contributor, an escrow's caller),
/// so a contributor sees a forfeit of its stake that it neither pays nor receives at that moment.
/// <see cref="TxIndex"/> is -1 for block-level moves (expiries, genesis).</summary>
public sealed record Posting(
    BookKind Kind, long Height, int TxIndex, Hash32? TxHash, Address? From, Address? To, Wei Amount,
    Address? Party = null, Hash32? Datanet = null, Hash32? Model = null, Hash32? Contribution = null, Hash32? Inference = null,
    string? Role = null);
