using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;

namespace OpenLedger.Tests.Market;

/// <summary>The genesis file's marketplace section: validated, committed to by the genesis hash, and stable through JSON.</summary>
public class MarketGenesisTests
{
    private static GenesisConfig Dev() => DevChain.Genesis(1_717, MarketDriver.Seed, 3);

    [Fact]
    public void The_dev_marketplace_names_its_derived_operators_and_treasury()
    {
        var rules = Dev().ToRules().Market;
        Assert.Equal(DevChain.Treasury(MarketDriver.Seed).Address, rules.Treasury);
        Assert.Equal([DevChain.ServingOperator(MarketDriver.Seed).Address], rules.ServingOperators);
        Assert.Equal([DevChain.AttributionOperator(MarketDriver.Seed).Address], rules.AttributionOperators);
        Assert.Equal((1_000, 0, 2_000, 600L, TimeoutResolution.Refund, 1_048_576UL, 256),
            ((int)rules.MinContributorsBps, (int)rules.MinProtocolBps, (int)rules.MaxProtocolBps, rules.InferenceTimeoutBlocks, rules.TimeoutResolution, rules.MaxContributionBytes, rules.MaxAttributions));
        Assert.Equal((64, 604_800L), (rules.MaxModelVersions, rules.CurationTimeoutBlocks));
    }

    [Fact]
    public void The_marketplace_section_survives_json_and_every_field_changes_the_genesis_hash()
    {
        var g = Dev();
        g.Marketplace.InferenceTimeoutBlocks = 7;
        g.Marketplace.TimeoutResolution = "owner";
        g.Marketplace.MaxAttributions = 100;
        var rules = g.ToRules();
        var back = GenesisConfig.Parse(g.ToJson()).ToRules();
        Assert.Equal(rules.Commitment(), back.Commitment());
        Assert.Equal(rules.Market.CommitmentText(), back.Market.CommitmentText());
        Assert.Equal(GenesisBlock.Build(rules).Header.Hash, GenesisBlock.Build(back).Header.Hash);

        var tweaks = new Action<MarketplaceConfig>[]
        {
            m => m.Treasury = PrivateKey.Derive("x", "t").Address.ToString(),
            m => m.ServingOperators = [],
            m => m.AttributionOperators = [.. m.AttributionOperators, PrivateKey.Derive("x", "a").Address.ToString()],
            m => m.MinContributorsBps = 999,
            m => m.MinProtocolBps = 1,
            m => m.MaxProtocolBps = 1_999,
            m => m.InferenceTimeoutBlocks = 8,
            m => m.TimeoutResolution = "refund",
            m => m.MaxContributionBytes = 1,
            m => m.MaxAttributions = 99,
            m => m.MaxModelVersions = 63,
            m => m.CurationTimeoutBlocks = 100,
        };
        var hashes = new HashSet<Hash32> { rules.Commitment() };
        foreach (var tweak in tweaks)
        {
            var t = GenesisConfig.Parse(g.ToJson());
            tweak(t.Marketplace);
            Assert.True(hashes.Add(t.ToRules().Commitment()));
        }
    }

    public static TheoryData<string> Invalid => new()
    {
        "minProtocolBps above maxProtocolBps",
        "maxProtocolBps above 10000",
        "minContributorsBps + minProtocolBps above 10000",
        "timeout 0",
        "unknown timeout resolution",
        "maxContributionBytes 0",
        "maxAttributions 0",
        "maxAttributions above the codec cap",
        "maxModelVersions 0",
        "maxModelVersions above 1024",
        "curationTimeoutBlocks 0",
        "a bad treasury",
        "a bad operator",
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Inconsistent_marketplace_sections_are_refused(string what)
    {
        var g = Dev();
        var m = g.Marketplace;
        switch (what)
        {
            case "minProtocolBps above maxProtocolBps": m.MinProtocolBps = 3_000; m.MaxProtocolBps = 2_000; break;
            case "maxProtocolBps above 10000": m.MaxProtocolBps = 10_001; break;
            case "minContributorsBps + minProtocolBps above 10000": m.MinContributorsBps = 9_000; m.MinProtocolBps = 1_001; m.MaxProtocolBps = 2_000; break;
            case "timeout 0": m.InferenceTimeoutBlocks = 0; break;
            case "unknown timeout resolution": m.TimeoutResolution = "burn"; break;
            case "maxContributionBytes 0": m.MaxContributionBytes = 0; break;
            case "maxAttributions 0": m.MaxAttributions = 0; break;
            case "maxAttributions above the codec cap": m.MaxAttributions = 1_025; break;
            case "maxModelVersions 0": m.MaxModelVersions = 0; break;
            case "maxModelVersions above 1024": m.MaxModelVersions = 1_025; break;
            case "curationTimeoutBlocks 0": m.CurationTimeoutBlocks = 0; break;
            case "a bad treasury": m.Treasury = "0x1234"; break;
            default: m.ServingOperators = ["not an address"]; break;
        }
        Assert.Throws<FormatException>(() => g.ToRules());
    }
}
