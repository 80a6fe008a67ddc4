using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.ML.Attribution.Inference;

/// <summary>What the public API shows of a settlement: the record hash, the inference's escrow and fee split, and the
/// contributor reward credits (<c>inference { rewards }</c>: one per settled contribution, in settlement order, zero
/// amounts included). The settlement's weights are not published as such; the credits are what they paid, so an
/// audit checks that the record's weights pay exactly these amounts (<see cref="ExpectedCredits"/>).</summary>
public sealed record SettledPayouts(
    Hash32 InferenceId, Hash32 RecordHash, Wei Escrow, ushort ProtocolBps, ushort OwnerBps, ushort ContributorsBps,
    IReadOnlyList<(Hash32 Contribution, Wei Amount)> Credits)
{
    /// <summary>The contributor credits a settlement with <paramref name="weights"/> pays, as the chain splits them
    /// (<c>InferenceRules.Settle</c>: protocol, owner and contributors first, then the contributors' part by weight).</summary>
    public Wei[] ExpectedCredits(IReadOnlyList<ulong> weights)
    {
        var shares = FeeSplit.Split(Escrow, [ProtocolBps, OwnerBps, ContributorsBps]);
        return FeeSplit.Split(shares[2], weights);
    }
}
