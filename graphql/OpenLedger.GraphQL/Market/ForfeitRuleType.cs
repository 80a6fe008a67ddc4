using GraphQL.Types;
using OpenLedger.Core.Transactions;

namespace OpenLedger.GraphQL.Market;

/// <summary>Where the stake of a rejected contribution goes (typed-data value: OWNER 1, TREASURY 2).</summary>
public sealed class ForfeitRuleType : EnumerationGraphType<ForfeitRule>
{
    public ForfeitRuleType() { Name = "ForfeitRule"; Description = "Where the stake of a rejected contribution goes (typed-data value: OWNER 1, TREASURY 2)."; }
}
