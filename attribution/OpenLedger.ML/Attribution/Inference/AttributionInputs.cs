using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;

namespace OpenLedger.ML.Attribution.Inference;

/// <summary>Everything one served inference is attributed from: the on-chain facts (the inference, the model version,
/// its adapter and training record hashes, the task its datanet declares, the cap on attributions) and the content
/// bytes read from the store by those hashes (null when the store does not hold them: the attributor reports which
/// one is missing). <see cref="Input"/> and <see cref="Output"/> are the served texts (UTF-8 decoded content).</summary>
public sealed record AttributionInputs(
    Hash32 InferenceId, Hash32 ModelId, uint ModelVersion,
    Hash32 AdapterHash, byte[]? AdapterBytes,
    Hash32 TrainingRecordHash, byte[]? TrainingRecordBytes,
    byte[]? InfluenceIndexBytes, byte[]? SpanIndexBytes,
    TaskKind Task, string Input, string Output, int MaxAttributions);
