namespace OpenLedger.Tests.ReadmeWalk;

/// <summary>A fenced code block of the README: the line of its opening fence (1-based), its info string
/// (<c>sh</c>, <c>graphql</c>, empty), its text, and the reason given by a <c>&lt;!-- readme-test: skip: REASON --&gt;</c>
/// comment just before it (null when there is none).</summary>
public sealed record ReadmeBlock(int Line, string Language, string Code, string? SkipReason)
{
    public const string SkipMarker = "<!-- readme-test: skip:";

    /// <summary>A block the README test runs: a shell block nobody marked as skipped.</summary>
    public bool Runs => Language == "sh" && SkipReason is null;

    /// <summary>Every fenced block of <paramref name="markdown"/>, in order. A fence is a line that starts (after any
    /// indentation) with three backticks; it closes at the next line that is only backticks. A skip comment must be
    /// the last non-blank line before the fence it names, and must give a reason: a marker anywhere else, or without
    /// one, is an error, so no block is skipped by a stray comment.</summary>
    public static IReadOnlyList<ReadmeBlock> Parse(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var blocks = new List<ReadmeBlock>();
        string? pendingSkip = null;
        var pendingSkipLine = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.StartsWith(SkipMarker, StringComparison.Ordinal))
            {
                if (!trimmed.EndsWith("-->", StringComparison.Ordinal))
                    throw new FormatException($"README.md line {i + 1}: a readme-test skip marker must be one line ending with -->");
                var reason = trimmed[SkipMarker.Length..^3].Trim();
                if (reason.Length == 0) throw new FormatException($"README.md line {i + 1}: a readme-test skip marker must give its reason");
                (pendingSkip, pendingSkipLine) = (reason, i + 1);
                continue;
            }
            if (!trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                if (trimmed.Length > 0 && pendingSkip is not null)
                    throw new FormatException($"README.md line {pendingSkipLine}: a readme-test skip marker must stand just before the block it skips");
                continue;
            }
            var start = i;
            var language = trimmed.TrimStart('`').Trim();
            var code = new List<string>();
            for (i++; i < lines.Length && !IsClosingFence(lines[i]); i++) code.Add(lines[i]);
            if (i == lines.Length) throw new FormatException($"README.md line {start + 1}: the block is never closed");
            blocks.Add(new ReadmeBlock(start + 1, language, string.Join('\n', code), pendingSkip));
            pendingSkip = null;
        }
        if (pendingSkip is not null) throw new FormatException($"README.md line {pendingSkipLine}: a readme-test skip marker with no block after it");
        return blocks;
    }

    private static bool IsClosingFence(string line)
    {
        var t = line.Trim();
        return t.Length >= 3 && t.All(c => c == '`');
    }
}
