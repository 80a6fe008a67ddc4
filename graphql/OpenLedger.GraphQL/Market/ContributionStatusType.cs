using GraphQL.Types;
using OpenLedger.Core.Transactions;

namespace OpenLedger.GraphQL.Market;

/// <summary>Where a contribution is in curation.</summary>
public sealed class ContributionStatusType : EnumerationGraphType<ContributionStatus>
{
    public ContributionStatusType() { Name = "ContributionStatus"; Description = "Where a contribution is in curation."; }
}
