using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Client;

/// <summary>A contribution a training job flagged for its curators as likely harmful, and where it stands now.</summary>
public sealed record ContributionFlagInfo(Hash32 Contribution, Hash32 Job, int VersionNumber, string Reason, double Score, int Examples,
    int FlaggedExamples, ContributionStatus Status);

// Harmful data: what training jobs flagged, for curators (public reads).
public sealed partial class LedgerClient
{
    /// <summary>A datanet's flagged contributions not yet excluded, newest job first (first 1 to 100); null when there is no such datanet.</summary>
    public async Task<IReadOnlyList<ContributionFlagInfo>?> GetFlaggedContributionsAsync(Hash32 datanet, int first, CancellationToken ct = default) =>
        (await QueryAsync("query($d: Hash!, $n: Int) { datanet(id: $d) { flaggedContributions(first: $n) { contributionId jobId versionNumber reason score " +
                          "examples flaggedExamples contribution { status } } } }", new { d = datanet.ToString(), n = first }, ct))
            .Opt("datanet") is { } d
            ? d.Array("flaggedContributions", f => new ContributionFlagInfo(f.Hash("contributionId"), f.Hash("jobId"), f.Int("versionNumber"), f.Str("reason"),
                f.Double("score"), f.Int("examples"), f.Int("flaggedExamples"), f.Req("contribution").Enum<ContributionStatus>("status")))
            : null;
}
