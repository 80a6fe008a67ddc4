using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.GraphQL.Attribution;

// What the attribution fields resolve from: an inference's attribution record as stored (read by
// AttributionRecordReader), what a contribution earned across settlements, and a model's attribution indexes as its
// training record names them. Plain records: GraphQL translates them, the rules that made them live elsewhere.

/// <summary>A settled inference's attribution record, read from the content store: the stored bytes
/// (<see cref="Json"/>, whose keccak256 <see cref="Record"/> is on chain) and what they say.</summary>
public sealed record InferenceAttribution(
    Hash32 Inference, Hash32 Record, string Json, string Method, int MaxAttributions, Hash32 IndexHash, Hash32 ModelId, uint ModelVersion,
    Hash32 RecordInference, Hash32 InputHash, Hash32 OutputHash, int OutputTokens,
    IReadOnlyList<AttributionShare> Contributions, IReadOnlyList<AttributionSpan> Spans);

/// <summary>One attributed contribution in rank order: its summed raw influence score, its share of the positive
/// influence, its integer weight (of the method's scale, parts per million), and the wei its settlement paid it
/// (<see cref="Payout"/>: filled in from the settlement's reward credits; null when the settlement did not pay it).</summary>
public sealed record AttributionShare(Hash32 Contribution, double Score, double Share, ulong Weight, Wei? Payout = null);

/// <summary>A span of the served output (tokens [Start, Start + Length)) that occurs <see cref="Count"/> times verbatim in
/// the training data, and the contributions that hold it (ids as the record names them, in corpus order).</summary>
public sealed record AttributionSpan(int Start, int Length, int Count, string? Text, IReadOnlyList<string> Contributions);

/// <summary>What settlements paid one contribution: how many inferences, how much in total, and the latest.</summary>
public sealed record ContributionInfluence(Hash32 Contribution, long Inferences, Wei Paid, long? LastPaidHeight, Hash32? LastInference);

/// <summary>A model version's attribution indexes, as its training record's <c>attribution</c> section names them.</summary>
public sealed record AttributionIndexInfo(
    Hash32 TrainingRecord, uint ModelVersion,
    Hash32 InfluenceIndex, long InfluenceBytes, int Rows, int Dimension, string Method, string Preconditioner, double Damping,
    Hash32 SpanIndex, long SpanBytes, long Tokens, int Documents);
