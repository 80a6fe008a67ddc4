using System.Text;

namespace OpenLedger.Cli.CommandLine;

/// <summary>`--print NAME` on any verb: standard output gets only the value of the verb's <c>NAME   value</c> line(s)
/// (its first word: for an id, the id), so a shell captures it, <c>D=$(openledger datanet create ... --print datanet)</c>;
/// everything the verb prints goes to standard error as it prints it (a progress bar stays live, a failure is seen).
/// One place for every verb, rather than an id option per verb.</summary>
public static class PrintedField
{
    public const string Option = "print";

    /// <summary>The width field names are padded to (<c>{name,-16}value</c>), as the verbs print them.</summary>
    public const int NameWidth = 16;

    public static async Task<int> RunAsync(string name, TextWriter output, TextWriter error, Func<TextWriter, Task<int>> verb)
    {
        using var tee = new Tee(error);
        var code = await verb(tee);
        if (code != 0) return code;
        var values = Values(tee.Text, name);
        if (values.Count == 0)
        {
            error.WriteLine($"error: this command printed no '{name}' line (--print NAME takes the name of a line the verb prints, e.g. datanet, job, model, inference)");
            return 1;
        }
        foreach (var v in values) output.WriteLine(v);
        return 0;
    }

    /// <summary>The first word of the value of every line named <paramref name="name"/>: lines padded as fields
    /// (<see cref="NameWidth"/>) first, so <c>model</c> is not taken from a <c>model version</c> line; else lines that
    /// start with the name and a space (<c>submitted 0x… (Transfer from …)</c>, <c>[1] 0x… 0x…</c>).</summary>
    public static IReadOnlyList<string> Values(string text, string name)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var padded = name.Length < NameWidth ? name.PadRight(NameWidth) : name + " ";
        var matches = lines.Where(l => l.StartsWith(padded, StringComparison.Ordinal)).ToList();
        if (matches.Count == 0) matches = lines.Where(l => l.StartsWith(name + " ", StringComparison.Ordinal)).ToList();
        return matches.Select(l => l[name.Length..].Trim().Split(' ', 2)[0]).Where(v => v.Length > 0).ToList();
    }

    /// <summary>Writes through to standard error and keeps a copy to pick the lines from.</summary>
    private sealed class Tee(TextWriter through) : TextWriter
    {
        private readonly StringBuilder _copy = new();

        public string Text => _copy.ToString();
        public override Encoding Encoding => through.Encoding;

        public override void Write(char value)
        {
            _copy.Append(value);
            through.Write(value);
        }

        public override void Write(string? value)
        {
            _copy.Append(value);
            through.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            _copy.Append(buffer, index, count);
            through.Write(buffer, index, count);
        }

        public override void Flush() => through.Flush();
    }
}
