using System.Text;
using System.Text.Json;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>
/// A JSONL file of training examples for <c>openledger contribute --jsonl FILE</c>: one JSON object per line, in the
/// datanet's task format (<see cref="TaskExampleFormat"/>), each line one contribution:
/// <list type="bullet">
/// <item>prompt-completion: <c>{"prompt": "...", "completion": "..."}</c></item>
/// <item>text-label: <c>{"text": "...", "label": "..."}</c></item>
/// <item>text: <c>{"text": "..."}</c> (the contribution is the text itself, as a plain-text file would be)</item>
/// </list>
/// Blank lines are skipped. Every line is checked here, with the node's own format rules, before anything is uploaded:
/// a mistake names its line and sends nothing.
/// </summary>
public static class JsonlExamples
{
    /// <summary>One example: its line number (from 1) and the content to contribute.</summary>
    public sealed record Example(int Line, byte[] Content);

    /// <summary>The most problems listed before giving up (a file of the wrong format would otherwise print every line).</summary>
    private const int MaxProblemsShown = 20;

    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    /// <summary>The examples of <paramref name="path"/>, or a <see cref="CommandFailedException"/> listing the bad lines.</summary>
    public static IReadOnlyList<Example> Read(string path, TaskKind task, ulong maxBytes)
    {
        var examples = new List<Example>();
        var problems = new List<string>();
        var seen = new Dictionary<Core.Crypto.Hash32, int>();
        var bytes = File.ReadAllBytes(path);
        int number = 0, start = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            number++;
            var line = bytes.AsSpan(start, end - start);
            start = end + 1;
            if (number == 1 && line.StartsWith("\uFEFF"u8)) line = line[3..]; // a UTF-8 byte-order mark
            if (line.EndsWith("\r"u8)) line = line[..^1];
            if (line.Trim(" \t"u8).IsEmpty) continue;

            var problem = TryContent(task, line, maxBytes, out var content);
            if (problem is null)
            {
                // The node refuses a second contribution with the same normalized text (DuplicateContribution, gas paid).
                var normalized = Core.Content.ContentHashes.Compute(content!).NormalizedHash;
                if (seen.TryGetValue(normalized, out var first)) problem = $"the same text as line {first} (the datanet would refuse it as a duplicate)";
                else seen[normalized] = number;
            }
            if (problem is null) examples.Add(new Example(number, content!));
            else problems.Add($"{Path.GetFileName(path)} line {number}: {problem}");
        }
        if (problems.Count > 0)
            throw new CommandFailedException(string.Join(Environment.NewLine, problems.Take(MaxProblemsShown)) +
                (problems.Count > MaxProblemsShown ? $"{Environment.NewLine}... and {problems.Count - MaxProblemsShown} more bad lines" : "") +
                $"{Environment.NewLine}{problems.Count} bad line{(problems.Count == 1 ? "" : "s")} in {path}: nothing was uploaded or sent");
        if (examples.Count == 0) throw new CommandFailedException($"{path} holds no examples (one JSON object per line)");
        return examples;
    }

    /// <summary>The contribution content of one line, or why the line is refused.</summary>
    private static string? TryContent(TaskKind task, ReadOnlySpan<byte> line, ulong maxBytes, out byte[]? content)
    {
        content = null;
        try { Strict.GetString(line); }
        catch (DecoderFallbackException) { return "not valid UTF-8"; }

        byte[] candidate;
        if (task == TaskKind.Text)
        {
            if (TextOf(line, out var text) is { } bad) return bad;
            candidate = Encoding.UTF8.GetBytes(text!);
        }
        else candidate = line.ToArray();

        var e = TaskExampleFormat.TryParse(task, candidate, out var example);
        if (e.IsError) return $"{e.Code}: {e.Message}";
        // The canonical form: what the node's own formatter writes, whatever spacing or escapes the line used.
        candidate = TaskExampleFormat.Format(task, example!);
        if ((ulong)candidate.Length > maxBytes) return $"ContributionTooLarge: {candidate.Length} bytes, more than the chain's {maxBytes}";
        content = candidate;
        return null;
    }

    /// <summary>The "text" of a text datanet's line: an object with that one string member.</summary>
    private static string? TextOf(ReadOnlySpan<byte> line, out string? text)
    {
        text = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return "InvalidTaskExample: a line must be a JSON object {\"text\": ...}";
            foreach (var member in root.EnumerateObject())
            {
                if (!member.NameEquals("text") || text is not null) return $"InvalidTaskExample: unexpected or repeated member '{member.Name}' (expected 'text')";
                if (member.Value.ValueKind != JsonValueKind.String) return "InvalidTaskExample: 'text' must be a string";
                text = member.Value.GetString();
            }
            if (reader.Read()) return "InvalidTaskExample: one JSON object per line";
        }
        catch (JsonException e) { return $"InvalidTaskExample: not JSON: {e.Message}"; }
        catch (InvalidOperationException e) { return $"InvalidTaskExample: an invalid string: {e.Message}"; }
        return text is null ? "InvalidTaskExample: 'text' is missing" : null;
    }
}
