using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Attribution;

/// <summary>One contribution named by an attribution: its summed influence score, its share of the kept positive
/// influence (the shares of one attribution sum to 1) and the integer weight <c>SettleAttribution</c> takes (parts per
/// <see cref="AttributionWeights.Scale"/>; the weights of one attribution sum to exactly that).</summary>
public sealed record AttributedContribution(Hash32 Contribution, double Score, double Share, ulong Weight);
