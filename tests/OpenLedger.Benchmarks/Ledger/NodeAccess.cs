using OpenLedger.Grains.Ledger;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>How the benchmark reaches the node: submit signed batches, see each committed block, sample the mempool.
/// Behind it either the cluster's grains (<see cref="GrainNodeAccess"/>) or the public API (<see cref="GraphQLNodeAccess"/>),
/// so one driver measures both and the difference is what the path costs.</summary>
public interface INodeAccess
{
    /// <summary>How the table names this path.</summary>
    string Name { get; }

    Task<long> HeadHeightAsync();

    /// <summary>One batch of signed envelopes; one result per envelope, in order.</summary>
    Task<IReadOnlyList<SubmitResult>> SubmitAsync(byte[][] batch);

    /// <summary>The blocks committed above <paramref name="afterHeight"/>, waiting up to <paramref name="timeout"/> for one
    /// (empty when none came).</summary>
    Task<IReadOnlyList<BlockCommitted>> WaitForBlocksAsync(long afterHeight, TimeSpan timeout);

    Task<MempoolStats> GetMempoolStatsAsync();
}
