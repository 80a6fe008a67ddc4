using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;

namespace OpenLedger.Storage.Ledger;

/// <summary>A page of marketplace objects of one kind, optionally of one parent (datanet, model), one party (owner,
/// contributor, caller) and one status, in creation order (ascending tree index) after <see cref="AfterIndex"/>,
/// or newest first before it when <see cref="Descending"/>.</summary>
public sealed record ObjectQuery(MarketObjectKind Kind, Hash32? Parent = null, Address? Party = null, int? Status = null,
    int? AfterIndex = null, int Limit = 50, bool Descending = false);

/// <summary>A stored object with its tree index (the cursor of object pages) and the height it last changed.</summary>
public sealed record StoredObject(int Index, long UpdatedHeight, IMarketObject Object);

/// <summary>A page of marketplace events concerning a party, datanet, model or subject (any that are set), of the
/// given kinds (all if empty), newest first strictly before (<see cref="BeforeHeight"/>, <see cref="BeforeSeq"/>).
/// A datanet's or model's events do not include the reward credits of its settlements (a settlement credits a hundred
/// payees), except a model's when they are the only kind asked for (their own index): query a datanet's by party or by
/// inference subject.</summary>
public sealed record EventQuery(Address? Party = null, Hash32? Datanet = null, Hash32? Model = null, Hash32? Subject = null,
    IReadOnlyList<MarketEventKind>? Kinds = null, long? BeforeHeight = null, int BeforeSeq = int.MaxValue, int Limit = 50, Hash32? Contribution = null);

/// <summary>A committed marketplace event and where it is: (height, seq) identifies it.</summary>
public sealed record StoredEvent(long Height, int Seq, long TimestampMs, MarketEvent Event);
