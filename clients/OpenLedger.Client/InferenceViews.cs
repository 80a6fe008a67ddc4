using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;

namespace OpenLedger.Client;

/// <summary>Everything a user reads about one paid inference (<c>openledger inference show</c>): the chain's record, the
/// model's name, the input and output texts from the content store (null when not stored or not UTF-8), how the
/// output was produced, the attribution worker's reason for not settling it (if it failed), and what its settlement paid.</summary>
public sealed record InferenceDetails(InferenceRequest Request, string? ModelName, string? InputText, string? OutputText,
    InferenceProvenanceInfo? Provenance, AttributionFailureInfo? AttributionFailure, MarketEventInfo[] Rewards);

/// <summary>The chain's account of how an output was produced: the version's adapter and training record, the base
/// model and the datanet versions it was trained on.</summary>
public sealed record InferenceProvenanceInfo(Hash32 Adapter, Hash32 TrainingRecord, string BaseModel, Hash32[] DatanetVersions);

/// <summary>Why the node's attribution worker did not settle an inference: a stable code, its message and how often it tried.</summary>
public sealed record AttributionFailureInfo(string Code, string Message, int Attempts);
