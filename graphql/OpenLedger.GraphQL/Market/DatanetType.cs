using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Books;
using OpenLedger.GraphQL.Curation;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>A datanet: its rules, curators and counters, its contributions, versions and activity.</summary>
public sealed class DatanetType : ObjectGraphType<Datanet>
{
    public DatanetType()
    {
        Name = "Datanet";
        Description = "A community dataset with its rules. Its id is the hash of the CreateDatanet transaction.";
        Field<NonNullGraphType<HashGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<AddressGraphType>>("owner").Resolve(c => c.Source.Owner);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("description").Resolve(c => c.Source.Description);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("tags").Resolve(c => c.Source.Tags);
        Field<NonNullGraphType<StringGraphType>>("license").Resolve(c => c.Source.License);
        Field<NonNullGraphType<TaskKindType>>("taskKind").Resolve(c => c.Source.Task);
        Field<NonNullGraphType<WeiAmountGraphType>>("feePerKb").Description("Wei per started KiB of a contribution, paid to the owner.").Resolve(c => c.Source.FeePerKb);
        Field<NonNullGraphType<WeiAmountGraphType>>("stake").Description("Wei a contributor locks until curation.").Resolve(c => c.Source.Stake);
        Field<NonNullGraphType<ForfeitRuleType>>("forfeitTo").Resolve(c => c.Source.ForfeitTo);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AddressGraphType>>>>("curators").Resolve(c => c.Source.Curators);
        Field<NonNullGraphType<LongGraphType>>("createdHeight").Resolve(c => c.Source.CreatedHeight);
        Field<NonNullGraphType<IntGraphType>>("contributionCount").Resolve(c => c.Source.Contributions);
        Field<NonNullGraphType<IntGraphType>>("approvedCount").Resolve(c => c.Source.Approved);
        Field<NonNullGraphType<IntGraphType>>("rejectedCount").Resolve(c => c.Source.Rejected);
        Field<NonNullGraphType<IntGraphType>>("expiredCount").Description("Contributions nobody curated by their deadline (their stakes returned).").Resolve(c => c.Source.Expired);
        Field<NonNullGraphType<IntGraphType>>("pendingCount").Resolve(c => c.Source.Pending);
        Field<NonNullGraphType<IntGraphType>>("versionCount").Resolve(c => (int)c.Source.Versions);

        Connection<ContributionType, EdgeType<ContributionType>, NodesConnectionType<ContributionType, Contribution>>("contributions")
            .Description("Its contributions, newest first; optionally of one status or one contributor.")
            .Argument<ContributionStatusType>("status", "Only contributions in this status.")
            .Argument<AddressGraphType>("contributor", "Only this account's contributions.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.ObjectsAsync<Contribution>(c, new MarketObjectQuery(MarketObjectKind.Contribution,
                Parent: c.Source.Id, Party: c.GetArgument<Address?>("contributor"), Status: (int?)c.GetArgument<ContributionStatus?>("status"))));

        Connection<DatanetVersionType, EdgeType<DatanetVersionType>, NodesConnectionType<DatanetVersionType, DatanetVersion>>("versions")
            .Description("Its published versions, newest first.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c =>
            {
                var first = MarketPages.First(c.First);
                var start = MarketPages.DecodePosition(c.After) is { } after ? after - 1 : (int)c.Source.Versions;
                var numbers = Enumerable.Range(0, first + 1).Select(i => start - i).Where(n => n >= 1).ToList();
                var versions = await c.LoadMany<DatanetVersion>(numbers.Select(n => DatanetVersion.IdOf(c.Source.Id, (uint)n))).GetResultAsync(c.CancellationToken);
                return MarketPages.Build(versions.Select(v => ((int)v.Number, v)).ToList(), first, hasPrevious: start < c.Source.Versions);
            });

        Field<DatanetVersionType>("version")
            .Description("Version number n (from 1); without a number, the latest. Null if there is no such version.")
            .Argument<IntGraphType>("number")
            .Resolve(c =>
            {
                var number = c.GetArgument<int?>("number") ?? (int)c.Source.Versions;
                return number < 1 || number > c.Source.Versions ? null : c.Load<DatanetVersion>(DatanetVersion.IdOf(c.Source.Id, (uint)number));
            });

        Field<NonNullGraphType<ContributionCostType>>("contributionCost")
            .Description("What contributing content of this many bytes takes from the contributor besides gas: the fee and the stake.")
            .Argument<NonNullGraphType<LongGraphType>>("size")
            .Resolve(c => ContributionCost.Of(c.Source, c.GetArgument<long>("size")));

        this.AddCurationQueue();
        this.AddFlaggedContributions();
        this.AddStatement();

        Connection<MarketEventType, EdgeType<MarketEventType>, NodesConnectionType<MarketEventType, MarketEventMessage>>("activity")
            .Description("Its committed events (contributions added, curated, versions published, rewards from its data), newest first.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.EventsAsync(c, new MarketEventQuery(Datanet: c.Source.Id)));
    }
}
