using System.Text;
using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;

namespace OpenLedger.Core.Transactions;

/// <summary>One training example as a datanet's task format reads it from contribution content: the text a model
/// is given (<see cref="Input"/>) and what it should produce (<see cref="Output"/>). For <see cref="TaskKind.Text"/>
/// the whole text is the output and the input is empty.</summary>
public sealed record TaskExample(string Input, string Output);

/// <summary>
/// The content formats of the three task kinds, shared by the node (which refuses a contribution whose content does
/// not fit its datanet's format, so curators and Model Factory never see one), Model Factory (training) and OpenLoRA
/// (prompting a model the way it was trained):
/// <list type="bullet">
/// <item><see cref="TaskKind.Text"/>: any UTF-8 text that is not blank (empty or whitespace only).</item>
/// <item><see cref="TaskKind.PromptCompletion"/>: a JSON object <c>{"prompt": "...", "completion": "..."}</c>.</item>
/// <item><see cref="TaskKind.TextLabel"/>: a JSON object <c>{"text": "...", "label": "..."}</c>.</item>
/// </list>
/// Both strings of a JSON format are required and non-blank; other members are not allowed (a typo such as
/// "lable" must not silently train on an empty label).
/// </summary>
public static class TaskExampleFormat
{
    /// <summary>The longest label of a text-label example, in UTF-8 bytes: labels are class names, not documents.</summary>
    public const int MaxLabelBytes = 64;

    public static LedgerError TryParse(TaskKind task, ReadOnlySpan<byte> content, out TaskExample? example)
    {
        example = null;
        string text;
        try
        {
            text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return Invalid("content is not valid UTF-8");
        }
        switch (task)
        {
            case TaskKind.Text:
                if (string.IsNullOrWhiteSpace(text)) return Invalid("the text is empty");
                example = new TaskExample("", text);
                return LedgerError.None;
            case TaskKind.PromptCompletion:
                return TryPair(text, "prompt", "completion", out example);
            case TaskKind.TextLabel:
                var e = TryPair(text, "text", "label", out example);
                if (e.IsError) return e;
                if (System.Text.Encoding.UTF8.GetByteCount(example!.Output) > MaxLabelBytes)
                {
                    example = null;
                    return Invalid($"the label is longer than {MaxLabelBytes} bytes");
                }
                return LedgerError.None;
            default:
                return Invalid($"unknown task kind {(int)task}");
        }
    }

    /// <summary>Why <paramref name="bytes"/> (content <paramref name="content"/>) is refused as a contribution to a datanet of
    /// <paramref name="task"/>, or none when it is a training example: the one predicate behind the node's admission,
    /// GraphQL's <c>uploadContent(datanet:)</c> and Model Factory's loader (which skips what <see cref="TryParse"/>
    /// refuses), so content is admitted exactly when it can train a model.</summary>
    public static LedgerError AdmissionError(TaskKind task, ReadOnlySpan<byte> bytes, Hash32 content) =>
        TryParse(task, bytes, out _) is { IsError: true } e
            ? new(e.Code, $"content {content} does not fit the datanet's {task} format: {e.Message}")
            : LedgerError.None;

    /// <summary>The content of an example in <paramref name="task"/>'s format (what a contributor uploads).</summary>
    public static byte[] Format(TaskKind task, TaskExample example) => task switch
    {
        TaskKind.Text => System.Text.Encoding.UTF8.GetBytes(example.Output),
        TaskKind.PromptCompletion => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["prompt"] = example.Input, ["completion"] = example.Output }),
        TaskKind.TextLabel => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["text"] = example.Input, ["label"] = example.Output }),
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    private static LedgerError TryPair(string text, string inputName, string outputName, out TaskExample? example)
    {
        example = null;
        string? input = null, output = null;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Invalid($"content must be a JSON object {{\"{inputName}\": ..., \"{outputName}\": ...}}");
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (member.Value.ValueKind != JsonValueKind.String)
                    return Invalid($"'{member.Name}' must be a string");
                if (member.NameEquals(inputName) && input is null) input = member.Value.GetString();
                else if (member.NameEquals(outputName) && output is null) output = member.Value.GetString();
                else return Invalid($"unexpected or repeated member '{member.Name}' (expected '{inputName}' and '{outputName}')");
            }
        }
        catch (JsonException e)
        {
            return Invalid($"content is not JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // GetString on a string holding a lone surrogate escape.
            return Invalid($"content holds an invalid string: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(input)) return Invalid($"'{inputName}' is missing or blank");
        if (string.IsNullOrWhiteSpace(output)) return Invalid($"'{outputName}' is missing or blank");
        example = new TaskExample(input, output);
        return LedgerError.None;
    }

    private static LedgerError Invalid(string message) => new(ErrorCode.InvalidTaskExample, message);
}
