using OpenLedger.Cli.CommandLine;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Tests.Cli;

/// <summary>`run --training-threads N`: libtorch threads per Model Factory job, 1..256; anything else is a usage error
/// before the node starts.</summary>
public sealed class TrainingThreadsOptionTests
{
    [Fact]
    public void Without_the_option_a_job_uses_the_cores_and_with_it_the_count_given()
    {
        Assert.Null(NodeSettings.From(new Args(["run"])).TrainingThreads);
        Assert.Equal(1, NodeSettings.From(new Args(["run", "--training-threads", "1"])).TrainingThreads);
        Assert.Equal(256, NodeSettings.From(new Args(["run", "--training-threads", "256"])).TrainingThreads);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("257")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public void A_bad_count_is_a_usage_error(string value)
    {
        var e = Assert.Throws<UsageException>(() => NodeSettings.From(new Args(["run", "--training-threads", value])));
        Assert.Contains("--training-threads", e.Message);
    }
}
