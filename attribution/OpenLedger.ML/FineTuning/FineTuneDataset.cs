using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;

namespace OpenLedger.ML.FineTuning;

/// <summary>One approved contribution as Model Factory trains on it: its content hash, the example read from it and
/// the contribution's on-chain id (what <c>SettleAttribution</c> pays), when the data came from a chain.</summary>
public sealed record DatasetExample(Hash32 Content, TaskExample Example, Hash32? Contribution = null)
{
    /// <summary>What attribution names this example by: its contribution id, or, for data that is not on a chain
    /// (evaluations, benchmarks), its content hash, which names it as uniquely.</summary>
    public Hash32 ContributionId => Contribution ?? Content;
}

/// <summary>A content the job could not read in its datanet's format (left out, and listed in the training record).</summary>
public sealed record SkippedContent(Hash32 Content, string Reason);

/// <summary>What a job trains on: a published datanet version (its id, number and Merkle root over the approved
/// content) and the examples of that content in approval order, the version's own order. The split into training and
/// held-out examples is a pure function of each content hash (<see cref="IsHeldOut"/>), so it does not depend on how
/// many examples there are or in which order they arrive.</summary>
public sealed record FineTuneDataset(
    Hash32 Datanet, Hash32 Version, uint VersionNumber, Hash32 Root, TaskKind Task,
    IReadOnlyList<DatasetExample> Examples, IReadOnlyList<SkippedContent> Skipped)
{
    /// <summary>About one example in ten is held out for evaluation, when there are at least this many.</summary>
    public const int MinExamplesForHeldOut = 20;

    public static bool IsHeldOut(Hash32 content) => content.ToArray()[31] % 10 == 0;

    public (IReadOnlyList<DatasetExample> Train, IReadOnlyList<DatasetExample> HeldOut) Split()
    {
        if (Examples.Count < MinExamplesForHeldOut) return (Examples, []);
        var train = Examples.Where(e => !IsHeldOut(e.Content)).ToList();
        var heldOut = Examples.Where(e => IsHeldOut(e.Content)).ToList();
        return train.Count == 0 ? (Examples, []) : (train, heldOut);
    }
}
