using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;

namespace OpenLedger.Grains.Market;

/// <summary>A committed marketplace object as it crosses grain boundaries: its canonical bytes (the same bytes the
/// state tree commits to), decoded on demand into the core's record (Datanet, Contribution, DatanetVersion, Model,
/// InferenceRequest). <see cref="Index"/> is its position in the state tree, which orders and pages objects.</summary>
[GenerateSerializer, Immutable, Alias("openledger.MarketObjectView")]
public sealed record MarketObjectView([property: Id(0)] int Index, [property: Id(1)] long UpdatedHeight, [property: Id(2)] byte Kind, [property: Id(3)] byte[] Data)
{
    [NonSerialized] private IMarketObject? _object;

    public IMarketObject Object => _object ??= MarketObjects.Decode((MarketObjectKind)Kind, Data);

    public T As<T>() where T : class, IMarketObject => (T)Object;
}

/// <summary>A page request for objects of one kind (see OpenLedger.Storage.Ledger.ObjectQuery).</summary>
[GenerateSerializer, Immutable, Alias("openledger.MarketObjectQuery")]
public sealed record MarketObjectQuery(
    [property: Id(0)] MarketObjectKind Kind,
    [property: Id(1)] Hash32? Parent = null,
    [property: Id(2)] Address? Party = null,
    [property: Id(3)] int? Status = null,
    [property: Id(4)] int? AfterIndex = null,
    [property: Id(5)] int Limit = 50,
    [property: Id(6)] bool Descending = false);

/// <summary>A page request for events, newest first (see OpenLedger.Storage.Ledger.EventQuery).</summary>
[GenerateSerializer, Immutable, Alias("openledger.MarketEventQuery")]
public sealed record MarketEventQuery(
    [property: Id(0)] Address? Party = null,
    [property: Id(1)] Hash32? Datanet = null,
    [property: Id(2)] Hash32? Model = null,
    [property: Id(3)] Hash32? Subject = null,
    [property: Id(4)] MarketEventKind[]? Kinds = null,
    [property: Id(5)] long? BeforeHeight = null,
    [property: Id(6)] int BeforeSeq = int.MaxValue,
    [property: Id(7)] int Limit = 50,
    [property: Id(8)] Hash32? Contribution = null);

/// <summary>The proof that a contribution's content is in a datanet version: the Merkle path from its content hash
/// (leaf <see cref="Index"/> of <see cref="Count"/>, in approval order) to the version's root.</summary>
[GenerateSerializer, Immutable, Alias("openledger.VersionProof")]
public sealed record VersionProof(
    [property: Id(0)] Hash32 Version,
    [property: Id(1)] uint Number,
    [property: Id(2)] Hash32 Root,
    [property: Id(3)] Hash32 Contribution,
    [property: Id(4)] Hash32 Content,
    [property: Id(5)] int Index,
    [property: Id(6)] int Count,
    [property: Id(7)] Hash32[] Siblings,
    [property: Id(8)] bool[] SiblingOnLeft);

/// <summary>A contribution whose content is close to another's (MinHash estimate of Jaccard similarity).</summary>
[GenerateSerializer, Immutable, Alias("openledger.NearDuplicate")]
public sealed record NearDuplicate([property: Id(0)] Hash32 Contribution, [property: Id(1)] double Similarity);

/// <summary>Rewards credited to one account in one scope (a datanet, a model or a role).</summary>
[GenerateSerializer, Immutable, Alias("openledger.RewardTotal")]
public sealed record RewardTotal([property: Id(0)] string Scope, [property: Id(1)] Wei Amount, [property: Id(2)] long Count);

/// <summary>An account's reward totals, as of a block: everything credited, by role (contributor, owner, protocol),
/// by datanet and by model.</summary>
[GenerateSerializer, Immutable, Alias("openledger.RewardSummary")]
public sealed record RewardSummary(
    [property: Id(0)] Address Account,
    [property: Id(1)] Wei Total,
    [property: Id(2)] long Count,
    [property: Id(3)] IReadOnlyList<RewardTotal> ByRole,
    [property: Id(4)] IReadOnlyList<RewardTotal> ByDatanet,
    [property: Id(5)] IReadOnlyList<RewardTotal> ByModel,
    [property: Id(6)] long AsOfHeight);

/// <summary>What a datanet version holds: the version (id, number, root), the datanet's task kind and, in approval
/// order, each contribution's id and content hash. What Model Factory trains on.</summary>
[GenerateSerializer, Immutable, Alias("openledger.VersionContents")]
public sealed record VersionContents(
    [property: Id(0)] Hash32 Datanet,
    [property: Id(1)] Hash32 Version,
    [property: Id(2)] uint Number,
    [property: Id(3)] Hash32 Root,
    [property: Id(4)] byte Task,
    [property: Id(5)] Hash32[] Contributions,
    [property: Id(6)] Hash32[] Contents);
