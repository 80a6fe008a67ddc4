using GraphQL.Types;
using OpenLedger.Core.Market;

namespace OpenLedger.GraphQL.Market;

/// <summary>What a committed marketplace event did.</summary>
public sealed class MarketEventKindType : EnumerationGraphType<MarketEventKind>
{
    public MarketEventKindType() { Name = "MarketEventKind"; Description = "What a committed marketplace event did."; }
}
