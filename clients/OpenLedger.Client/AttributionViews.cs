using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Client;

/// <summary>Who a settled inference paid and why (<c>Inference.attribution</c>): the record's method, index and hash,
/// the credited contributions in rank order and the span evidence.</summary>
public sealed record AttributionInfo(string Method, int MaxAttributions, Hash32 IndexHash, int ModelVersion, bool NamesThisInference,
    Hash32 Record, string? Json, AttributedContributionInfo[] Contributions, AttributionSpanInfo[] Spans);

/// <summary>A credited contribution: who contributed what, its influence score and share, its weight and its payout
/// (null when the settlement did not pay it). <see cref="Text"/> is the contribution's content as text, when the node
/// stores it.</summary>
public sealed record AttributedContributionInfo(Hash32 Contribution, Address? Contributor, Hash32? Content, string? Text,
    double Score, double Share, long Weight, Wei? Payout);

/// <summary>A span of the output found verbatim in the training data, and the contributions holding it.</summary>
public sealed record AttributionSpanInfo(int Start, int Length, int Count, string? Text, string[] Contributions);

/// <summary>What settlements paid one contribution (<c>Contribution.influence</c>).</summary>
public sealed record ContributionInfluenceInfo(long Inferences, Wei Paid, long? LastPaidHeight, Hash32? LastInference);

/// <summary>A model version's attribution indexes (<c>Model.attributionIndex</c>).</summary>
public sealed record AttributionIndexInfo(Hash32 TrainingRecord, int ModelVersion, Hash32 InfluenceIndex, long InfluenceIndexBytes, int Rows,
    int Dimension, string Method, string Preconditioner, double Damping, Hash32 SpanIndex, long SpanIndexBytes, long Tokens, int Documents);
