using GraphQL.Types.Relay;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Market;

namespace OpenLedger.GraphQL.Curation;

/// <summary>A datanet's curation queue: its pending contributions in the order their deadlines fall, for the owner and
/// curators to work through (each with its near-duplicates, flags, text and deadline on <c>Contribution</c>).</summary>
public static class CurationQueueFields
{
    public static void AddCurationQueue(this DatanetType datanet) =>
        datanet.Connection<ContributionType, EdgeType<ContributionType>, NodesConnectionType<ContributionType, Contribution>>("curationQueue")
            .Description("Its pending contributions, oldest first: the next to reach its curation deadline first (a deadline is its block plus the " +
                         "genesis' curationTimeoutBlocks). Approve or reject them with Curate, one or many in a sendTransactions batch.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.ObjectsAsync<Contribution>(c, new MarketObjectQuery(MarketObjectKind.Contribution,
                Parent: c.Source.Id, Status: (int)ContributionStatus.Pending), descending: false));
}
