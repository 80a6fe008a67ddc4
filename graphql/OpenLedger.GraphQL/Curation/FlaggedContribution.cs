using OpenLedger.Core.Crypto;
using OpenLedger.Grains.ModelFactory;

namespace OpenLedger.GraphQL.Curation;

/// <summary>One flag as GraphQL shows it: the flag a succeeded training job raised, with the job it came from (its
/// datanet version and training record, which holds the same flags under <c>attribution.flags</c>).</summary>
public sealed record FlaggedContribution(Hash32 Job, Hash32 Datanet, uint VersionNumber, Hash32? TrainingRecord, ContributionFlagView Flag)
{
    /// <summary>The flags of one job, most suspicious first (none unless it succeeded).</summary>
    public static IEnumerable<FlaggedContribution> Of(TrainingJobView job) =>
        job.Status == TrainingJobStatus.Succeeded
            ? (job.Flags ?? []).Select(f => new FlaggedContribution(job.Id, job.Request.Datanet, job.Request.VersionNumber, job.TrainingRecord, f))
            : [];
}
