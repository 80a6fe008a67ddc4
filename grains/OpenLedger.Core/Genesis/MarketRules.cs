using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Genesis;

/// <summary>What happens to an inference's escrow when it is served but not settled in time. An inference that was
/// never served is always refunded: the caller got nothing.</summary>
public enum TimeoutResolution : byte { Refund = 1, Owner = 2 }

/// <summary>The marketplace's consensus rules, from the genesis file.</summary>
public sealed record MarketRules(
    Address Treasury,
    IReadOnlyList<Address> ServingOperators,
    IReadOnlyList<Address> AttributionOperators,
    ushort MinContributorsBps,
    ushort MinProtocolBps,
    ushort MaxProtocolBps,
    long InferenceTimeoutBlocks,
    TimeoutResolution TimeoutResolution,
    ulong MaxContributionBytes,
    int MaxAttributions,
    int MaxModelVersions,
    long CurationTimeoutBlocks)
{
    public bool IsServingOperator(Address a) => ServingOperators.Contains(a);
    public bool IsAttributionOperator(Address a) => AttributionOperators.Contains(a);

    /// <summary>The rules as text for the chain rules' commitment.</summary>
    public string CommitmentText()
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        return string.Join(";", Treasury.ToString(),
            string.Join(",", ServingOperators.Select(a => a.ToString())), string.Join(",", AttributionOperators.Select(a => a.ToString())),
            MinContributorsBps.ToString(ci), MinProtocolBps.ToString(ci), MaxProtocolBps.ToString(ci),
            InferenceTimeoutBlocks.ToString(ci), TimeoutResolution.ToString(), MaxContributionBytes.ToString(ci), MaxAttributions.ToString(ci),
            MaxModelVersions.ToString(ci), CurationTimeoutBlocks.ToString(ci));
    }
}
