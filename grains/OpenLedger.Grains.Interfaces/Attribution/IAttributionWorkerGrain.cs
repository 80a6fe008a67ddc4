using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Attribution;

/// <summary>The attribution worker (one activation, on an ML silo): finds served-but-unsettled inferences in chain state,
/// attributes each to the contributions that shaped its output, stores the record in the content store and publishes
/// the result on the "attribution" stream, which the node's settlement grain turns into SettleAttribution transactions.</summary>
public interface IAttributionWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the worker runs (called when an ML silo starts; from then on it polls chain state).</summary>
    Task WakeAsync();

    /// <summary>Answers while a poll is attributing (reads only).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<AttributionWorkerStatus> GetStatusAsync();

    /// <summary>Why this worker could not attribute <paramref name="inference"/>, or null when it did not fail on it (the
    /// last failures are kept: a bounded number, oldest dropped first).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<AttributionFailureView?> GetFailureAsync(Hash32 inference);

    /// <summary>Attributes a served or settled inference again now, stores its record and returns the result without
    /// publishing it (nothing is settled): how an operator checks on the node that a settled inference's record
    /// reproduces, byte for byte. Null when the inference has no output yet, or attributing it failed
    /// (<see cref="GetFailureAsync"/> says why).</summary>
    Task<AttributionResult?> RecomputeAsync(Hash32 inference);
}
