using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Tests.Cli;

/// <summary>`--print NAME`: only the value goes to standard output, everything else to standard error.</summary>
public sealed class PrintedFieldTests
{
    [Fact]
    public void A_field_line_gives_its_first_word_and_a_padded_field_wins_over_a_longer_name()
    {
        var text = "submitted 0xabc (Infer from 0x1, nonce 3)\ninference       0x123\nmodel version   2\nmodel           0x456\n";
        Assert.Equal(["0x123"], PrintedField.Values(text, "inference"));
        Assert.Equal(["0x456"], PrintedField.Values(text, "model"));
        Assert.Equal(["2"], PrintedField.Values(text, "model version"));
        Assert.Equal(["0xabc"], PrintedField.Values(text, "submitted"));
        Assert.Equal(["0xd1"], PrintedField.Values("[0] 0xd0 0xk0\n[1] 0xd1 0xk1\n", "[1]"));
        Assert.Empty(PrintedField.Values(text, "datanet"));
    }

    [Fact]
    public async Task Standard_output_holds_only_the_value_and_a_missing_line_is_exit_1()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PrintedField.RunAsync("datanet", output, error, async w =>
        {
            await w.WriteLineAsync("submitted 0xfeed (CreateDatanet)");
            w.WriteLine($"{"datanet",-16}0xd00d");
            return 0;
        });
        Assert.Equal(0, code);
        Assert.Equal("0xd00d\n", output.ToString().Replace("\r\n", "\n"));
        Assert.Contains("submitted 0xfeed", error.ToString());

        using var none = new StringWriter();
        Assert.Equal(1, await PrintedField.RunAsync("job", none, error, w => { w.WriteLine("nothing"); return Task.FromResult(0); }));
        Assert.Equal("", none.ToString());
        Assert.Contains("printed no 'job' line", error.ToString());
        Assert.Equal(2, await PrintedField.RunAsync("job", none, error, _ => Task.FromResult(2)));
    }
}
