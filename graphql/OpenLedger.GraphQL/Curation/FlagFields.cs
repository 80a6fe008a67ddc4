using GraphQL;
using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.ModelFactory;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Curation;

/// <summary>The harmful-data fields: a training job's flags, a contribution's flags and a datanet's flagged
/// contributions. The flags come from the Model Factory jobs (the newest <see cref="MlFields.MaxJobs"/>), which hold
/// what their training records hold; the curator acts on chain (Curate).</summary>
public static class FlagFields
{
    private const int MaxFlags = 100;

    public static void AddFlaggedContributions(this TrainingJobType job) =>
        job.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContributionFlagType>>>>("flaggedContributions")
            .Description("The contributions this job flagged for curators, most suspicious first (empty until it succeeded). " +
                         "Shown on the trainingJob subscription in the message that says it succeeded.")
            .Resolve(c => FlaggedContribution.Of(c.Source).ToList());

    public static void AddFlags(this ContributionType contribution) =>
        contribution.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContributionFlagType>>>>("flags")
            .Description("The training jobs on its datanet that flagged it as likely harmful, newest job first.")
            .Cost(10)
            .ResolveAsync(async c => (await DatanetFlagsAsync(c, c.Source.Datanet)).Where(f => f.Flag.Contribution == c.Source.Id).ToList());

    public static void AddFlaggedContributions(this DatanetType datanet) =>
        datanet.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContributionFlagType>>>>("flaggedContributions")
            .Description($"The contributions its training jobs flagged as likely harmful: the newest succeeded job's flags first, each most suspicious " +
                         $"first; at most first (1 to {MaxFlags}). A contribution a curator already excluded is left out.")
            .Argument<IntGraphType>("first", a => a.DefaultValue = 20)
            .Cost(10)
            .ListSize(MaxFlags)
            .ResolveAsync(async c =>
            {
                var first = c.GetArgument<int>("first");
                if (first is < 1 or > MaxFlags)
                    throw new InvalidInputError(GraphQLErrorCodes.InvalidPageSize, $"first is {first}; it must be between 1 and {MaxFlags}");
                var flags = await DatanetFlagsAsync(c, c.Source.Id);
                var contributions = await c.MarketQuery().GetObjectsAsync(flags.Select(f => f.Flag.Contribution).Distinct().ToArray());
                var excluded = contributions.Where(o => o?.Object is Contribution { Status: Core.Transactions.ContributionStatus.Excluded })
                    .Select(o => o!.Object.Id).ToHashSet();
                return flags.Where(f => !excluded.Contains(f.Flag.Contribution)).Take(first).ToList();
            });

    private static async Task<List<FlaggedContribution>> DatanetFlagsAsync(IResolveFieldContext c, Hash32 datanet) =>
        (await c.Grains().GetGrain<IModelFactoryGrain>(0).ListAsync(MlFields.MaxJobs))
            .Where(j => j.Request.Datanet == datanet).SelectMany(FlaggedContribution.Of).ToList();
}
