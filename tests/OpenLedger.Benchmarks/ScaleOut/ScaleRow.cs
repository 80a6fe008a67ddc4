namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>One measured row: a silo count on a store, what was asked and done, and what the machine was doing meanwhile.</summary>
public sealed record ScaleRow(
    int Silos, StoreKind Store, int Asked, int Done, double PerSecond, double P50Ms, double P99Ms,
    double NodeCpuSeconds, double PostgresCpuSeconds, double WallSeconds, string LoadBefore, string LoadAfter,
    double OthersShare, int Attempt, string? Failure = null)
{
    /// <summary>Nodes' CPU per <paramref name="per"/> items done.</summary>
    public double NodeCpuPer(int per) => Done == 0 ? double.NaN : NodeCpuSeconds * per / Done;

    public double PostgresCpuPer(int per) => Done == 0 ? double.NaN : PostgresCpuSeconds * per / Done;
}
