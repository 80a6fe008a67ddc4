namespace OpenLedger.Tests.Cli;

/// <summary>`openledger statement` and `rewards` against a real node: a dev account's books from the genesis.</summary>
public sealed partial class MarketplaceCliTests
{
    [Fact]
    public async Task Statement_prints_an_accounts_totals_and_lines_from_the_genesis_and_rewards_points_to_it()
    {
        var r = await Ok(Run("statement", "--address", Dev(5), "--from", "0", "--first", "5"));
        Assert.StartsWith("0..", r.Field("blocks"), StringComparison.Ordinal);
        Assert.Contains(r.Lines, l => l.Contains("GENESIS", StringComparison.Ordinal) && l.Contains(" IN ", StringComparison.Ordinal));
        Assert.Contains(r.Lines, l => l.Contains($"genesis -> {Dev(5)}", StringComparison.Ordinal));
        Assert.Equal(r.Field("closing"), (await Ok(Run("statement", "--address", Dev(5)))).Field("closing"));

        var rewards = await Ok(Run("rewards", "--address", Dev(5)));
        Assert.Contains($"every wei in and out: openledger statement --address {Dev(5)}", rewards.Output);

        var bad = await Run("statement", "--address", Dev(5), "--from", "5", "--to", "4");
        Assert.True(bad.ExitCode == 1 && bad.Output.Contains("BAD_RANGE", StringComparison.Ordinal) | bad.Error.Contains("BAD_RANGE", StringComparison.Ordinal), bad.ToString());
    }
}
