using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Attribution.Inference;

/// <summary>What the chain says an inference was settled with (<c>SettleAttribution</c>): the record hash, and the
/// contributions and weights in the order they were submitted.</summary>
public sealed record SettledAttribution(Hash32 InferenceId, Hash32 RecordHash, IReadOnlyList<Hash32> Contributions, IReadOnlyList<ulong> Weights);
