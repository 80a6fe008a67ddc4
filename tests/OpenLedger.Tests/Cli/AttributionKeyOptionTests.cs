using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Silo.Configuration;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>`run --attribution-key-file FILE` (or --attribution-key HEX, OPENLEDGER_ATTRIBUTION_KEY(_FILE)): the key
/// that settles the inferences the node attributes. A dev chain uses its dev attribution operator; a key that is not an
/// attribution operator of the genesis, or a published dev key on a real chain, is a usage error before the node starts.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AttributionKeyOptionTests : IDisposable
{
    private readonly string _dir = TestChain.TempDirectory("openledger-attribution-key");
    private static readonly PrivateKey Operator = PrivateKey.Derive("not the dev seed", "attribution operator");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>The test chain's rules as a real chain whose attribution operator is <see cref="Operator"/>.</summary>
    private static GenesisConfig RealChain()
    {
        var g = new TestChain(accounts: 2).Genesis;
        g.Dev = false;
        g.DevAccounts = null;
        g.Marketplace.AttributionOperators = [Operator.Address.ToString()];
        return g;
    }

    private static NodeSettings Parse(params string[] options) => NodeSettings.From(new Args(["run", .. options]));

    [Fact]
    public void A_dev_chain_attributes_with_its_dev_attribution_operator_unless_its_genesis_drops_it()
    {
        var dev = DevChain.Genesis();
        Assert.Equal(DevChain.AttributionOperator(dev.DevAccounts!.Seed).Address, Parse().ResolveAttributionKey(dev, dev.ToRules())!.Address);

        dev.Marketplace.AttributionOperators = [Operator.Address.ToString()];
        Assert.Null(Parse().ResolveAttributionKey(dev, dev.ToRules()));
    }

    [Fact]
    public void A_real_chain_without_the_option_attributes_nothing_and_with_it_signs_with_the_operator_given()
    {
        var real = RealChain();
        Assert.Null(Parse().ResolveAttributionKey(real, real.ToRules()));
        Assert.Equal(Operator.Address, Parse("--attribution-key", Operator.ToHex()).ResolveAttributionKey(real, real.ToRules())!.Address);
    }

    [Fact]
    public void A_key_file_readable_only_by_its_owner_gives_the_key()
    {
        var path = Path.Combine(_dir, "attribution.key");
        File.WriteAllText(path, Operator.ToHex() + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var real = RealChain();
        Assert.Equal(Operator.Address, Parse("--attribution-key-file", path).ResolveAttributionKey(real, real.ToRules())!.Address);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Contains("--attribution-key-file", Assert.Throws<UsageException>(() => Parse("--attribution-key-file", path).ResolveAttributionKey(real, real.ToRules())).Message);
    }

    [Fact]
    public void A_key_that_is_not_an_attribution_operator_of_the_genesis_is_a_usage_error()
    {
        var stranger = PrivateKey.Derive("not the dev seed", "stranger");
        var real = RealChain();
        var e = Assert.Throws<UsageException>(() => Parse("--attribution-key", stranger.ToHex()).ResolveAttributionKey(real, real.ToRules()));
        Assert.Contains($"--attribution-key is for {stranger.Address}, which is not an attribution operator", e.Message);

        // The serving operator signs results, not settlements.
        var dev = DevChain.Genesis();
        var serving = DevChain.ServingOperator(dev.DevAccounts!.Seed);
        Assert.Throws<UsageException>(() => Parse("--attribution-key", serving.ToHex()).ResolveAttributionKey(dev, dev.ToRules()));
    }

    [Fact]
    public void The_published_dev_attribution_key_is_refused_on_a_real_chain_even_when_its_genesis_lists_it()
    {
        var devKey = DevChain.AttributionOperator(DevChain.Seed);
        var real = RealChain();
        real.Marketplace.AttributionOperators = [devKey.Address.ToString()];
        var e = Assert.Throws<UsageException>(() => Parse("--attribution-key", devKey.ToHex()).ResolveAttributionKey(real, real.ToRules()));
        Assert.Contains("published dev key", e.Message);
    }

    [Fact]
    public void Both_the_key_and_its_file_or_a_malformed_key_are_usage_errors()
    {
        Assert.Contains("not both", Assert.Throws<UsageException>(() => Parse("--attribution-key", Operator.ToHex(), "--attribution-key-file", "/x")).Message);
        var real = RealChain();
        Assert.Contains("32-byte private key", Assert.Throws<UsageException>(() => Parse("--attribution-key", "0x12").ResolveAttributionKey(real, real.ToRules())).Message);
    }
}
