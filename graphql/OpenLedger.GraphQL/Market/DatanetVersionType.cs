using GraphQL.Types;
using GraphQL.Types.Relay;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Market;

/// <summary>A published datanet version: the first <c>count</c> approved contributions, and their Merkle root.</summary>
public sealed class DatanetVersionType : ObjectGraphType<DatanetVersion>
{
    public DatanetVersionType()
    {
        Name = "DatanetVersion";
        Description = "A frozen, numbered set of a datanet's approved contributions. Its id is keccak256(datanet || number as uint64).";
        Field<NonNullGraphType<HashGraphType>>("id").Resolve(c => c.Source.Id);
        Field<DatanetType>("datanet").Resolve(c => c.Load<Datanet>(c.Source.Datanet));
        Field<NonNullGraphType<HashGraphType>>("datanetId").Resolve(c => c.Source.Datanet);
        Field<NonNullGraphType<IntGraphType>>("number").Resolve(c => (int)c.Source.Number);
        Field<NonNullGraphType<HashGraphType>>("root").Description("Merkle root of the contributions' content hashes in approval order.").Resolve(c => c.Source.Root);
        Field<NonNullGraphType<IntGraphType>>("count").Description("The approval-index bound: it holds the contributions approved with an index below count, less those excluded before it was published (see contributions.totalCount).").Resolve(c => c.Source.Count);
        Field<NonNullGraphType<AddressGraphType>>("publishedBy").Resolve(c => c.Source.PublishedBy);
        Field<NonNullGraphType<LongGraphType>>("createdHeight").Resolve(c => c.Source.CreatedHeight);

        Connection<ContributionType, EdgeType<ContributionType>, NodesConnectionType<ContributionType, Contribution>>("contributions")
            .Description("The contributions it holds, in approval order (the order of the Merkle leaves).")
            // Each page reads the datanet's whole approved list to order it by approval.
            .Cost(100)
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c =>
            {
                var first = MarketPages.First(c.First);
                var after = MarketPages.DecodePosition(c.After) ?? -1;
                // Approval order is not creation order, so the approved list (and the excluded, which older versions
                // still hold) is read whole and ordered here.
                var held = new List<Contribution>();
                foreach (var status in new[] { ContributionStatus.Approved, ContributionStatus.Excluded })
                    held.AddRange((await MarketPages.AllObjectsAsync<Contribution>(c.MarketQuery(),
                        new MarketObjectQuery(MarketObjectKind.Contribution, Parent: c.Source.Datanet, Status: (int)status))).Where(c.Source.Contains));
                var rows = held.Where(x => x.ApprovalIndex > after).OrderBy(x => x.ApprovalIndex).Take(first + 1).Select(x => (x.ApprovalIndex, x)).ToList();
                var page = MarketPages.Build(rows, first, hasPrevious: after >= 0);
                page.TotalCount = held.Count;
                return page;
            });
    }
}
