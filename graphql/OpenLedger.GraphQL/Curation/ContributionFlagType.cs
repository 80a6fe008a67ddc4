using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Curation;

/// <summary>A contribution a training job flagged for its curators as likely harmful.</summary>
public sealed class ContributionFlagType : ObjectGraphType<FlaggedContribution>
{
    public ContributionFlagType()
    {
        Name = "ContributionFlag";
        Description = "A contribution a Model Factory job flagged as likely harmful (likely mislabeled): at least half of its training examples are in the " +
                      "top 10% of the job's training examples by self-influence. Flags inform curators; a curator keeps a contribution out of the " +
                      "next versions by excluding it (Curate with approve false on an approved contribution).";
        Field<NonNullGraphType<HashGraphType>>("contributionId").Resolve(c => c.Source.Flag.Contribution);
        Field<ContributionType>("contribution").Resolve(c => c.Load<Contribution>(c.Source.Flag.Contribution));
        Field<NonNullGraphType<HashGraphType>>("jobId").Description("The training job that raised it.").Resolve(c => c.Source.Job);
        Field<NonNullGraphType<HashGraphType>>("datanet").Resolve(c => c.Source.Datanet);
        Field<NonNullGraphType<IntGraphType>>("versionNumber").Description("The datanet version the job trained on.").Resolve(c => (int)c.Source.VersionNumber);
        Field<HashGraphType>("trainingRecord").Description("The job's training record, whose attribution.flags lists the same flags.").Resolve(c => c.Source.TrainingRecord);
        Field<NonNullGraphType<StringGraphType>>("reason").Resolve(c => c.Source.Flag.Reason);
        Field<NonNullGraphType<FloatGraphType>>("score").Description("Its highest self-influence among its examples (the larger, the less the rest of the data explains it).")
            .Resolve(c => c.Source.Flag.Score);
        Field<NonNullGraphType<IntGraphType>>("examples").Description("Its training examples in the job.").Resolve(c => c.Source.Flag.Examples);
        Field<NonNullGraphType<IntGraphType>>("flaggedExamples").Resolve(c => c.Source.Flag.FlaggedExamples);
    }
}
