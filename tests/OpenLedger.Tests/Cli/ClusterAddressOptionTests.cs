using System.Net;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Tests.Cli;

/// <summary>`run --cluster-address IP`: the one address a PostgreSQL cluster's silo and gateway ports bind to and
/// advertise. Unset, they stay on loopback; the wildcard and anything that is not an IP address are usage errors, so
/// the Orleans ports are never opened on every network by a typo.</summary>
public sealed class ClusterAddressOptionTests
{
    [Fact]
    public void Without_the_option_no_address_is_chosen_and_with_it_the_address_given()
    {
        Assert.Null(NodeSettings.From(new Args(["run"])).ClusterAddress);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), NodeSettings.From(new Args(["run", "--cluster-address", "10.1.2.3"])).ClusterAddress);
        Assert.Equal(IPAddress.Parse("fd00::5"), NodeSettings.From(new Args(["run", "--cluster-address", "fd00::5"])).ClusterAddress);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("example.com")]
    [InlineData("10.1.2")]
    [InlineData("10.1.2.3:30000")]
    [InlineData("")]
    public void A_wildcard_or_a_non_address_is_a_usage_error(string value)
    {
        var e = Assert.Throws<UsageException>(() => NodeSettings.From(new Args(["run", "--cluster-address", value])));
        Assert.Contains("--cluster-address", e.Message);
    }
}
