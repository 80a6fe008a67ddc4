using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.GraphQL.Search;

/// <summary>What a searched value turned out to be.</summary>
public enum SearchKind
{
    Block,
    Transaction,
    Account,
    Datanet,
    Contribution,
    DatanetVersion,
    Model,
    Inference,
}

/// <summary>One thing a search found: its kind, its key as text (a height, a hash or an EIP-55 address) and the
/// object itself (a <see cref="BlockView"/>, <see cref="TransactionView"/>, <see cref="Address"/> or marketplace
/// object).</summary>
public sealed record SearchMatch(SearchKind Kind, string Key, object Target)
{
    public static SearchKind? KindOf(IMarketObject o) => o.ObjectKind switch
    {
        MarketObjectKind.Datanet => SearchKind.Datanet,
        MarketObjectKind.Contribution => SearchKind.Contribution,
        MarketObjectKind.DatanetVersion => SearchKind.DatanetVersion,
        MarketObjectKind.Model => SearchKind.Model,
        MarketObjectKind.Inference => SearchKind.Inference,
        _ => null, // a model's usage counter is an internal object, not something people look up
    };
}
