using System.Text;

namespace OpenLedger.Core.Content;

/// <summary>
/// The normal form of a contribution's content. <b>Two contributions are exact duplicates when their normalized forms
/// are equal</b> (compared by <see cref="ContentHashes"/>' NormalizedHash), so this rule is part of the protocol:
/// changing it changes which contributions a datanet accepts as new.
/// <list type="bullet">
/// <item>Content that is strictly valid UTF-8 (no invalid or overlong sequences, no encoded surrogates) is text. Its
/// normal form is the UTF-8 encoding of: the text without the byte-order marks (U+FEFF) and white space it starts
/// with (in any mix: a mark after leading white space would otherwise lead the result, and a second pass would drop
/// it, so the rule would not be idempotent), in Unicode NFC of its Stream-Safe Text Format (UAX #15 section 13: a
/// U+034F COMBINING GRAPHEME JOINER before the 31st non-starter in a row; no real text has such a run, see
/// <see cref="UnicodeNfc"/> for why the joiner is inserted rather than the content refused);
/// every run of white space (the Unicode White_Space characters: spaces, tabs, CR, LF and the other line
/// separators, no-break and ideographic spaces) replaced by one U+0020 space, which also makes all line endings
/// equal; with no white space at the start or the end. Case, punctuation and everything else are kept.</item>
/// <item>Any other content is binary and is its own normal form.</item>
/// </list>
/// NFC uses the frozen Unicode 14.0 data of <see cref="UnicodeNfc"/>, so every node computes the same bytes.
/// </summary>
public static class ContentNormalizer
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The normalized form of <paramref name="content"/> (a new array; binary content is copied unchanged).</summary>
    public static byte[] Normalize(ReadOnlySpan<byte> content) =>
        NormalizeText(content) is { } text ? StrictUtf8.GetBytes(text) : content.ToArray();

    /// <summary>The normalized text of <paramref name="content"/>, or null when the content is not valid UTF-8
    /// (binary). Its UTF-8 bytes are <see cref="Normalize"/>'s result.</summary>
    public static string? NormalizeText(ReadOnlySpan<byte> content)
    {
        if (!System.Text.Unicode.Utf8.IsValid(content)) return null;
        var text = StrictUtf8.GetString(content);
        int start = 0;
        while (start < text.Length && (text[start] == '\uFEFF' || IsWhiteSpace(text[start]))) start++;
        if (start > 0) text = text[start..];
        return CollapseWhiteSpace(UnicodeNfc.Normalize(text));
    }

    /// <summary>Replaces every run of white space by one space and trims both ends. Runs after NFC, and the result
    /// stays in NFC: white space characters are starters that compose with nothing and appear in no canonical
    /// decomposition but their own (U+2000 and U+2001 become U+2002 and U+2003, white space too).</summary>
    private static string CollapseWhiteSpace(string text)
    {
        if (IsCollapsed(text)) return text;
        var buffer = new char[text.Length];
        int length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsWhiteSpace(c))
            {
                pendingSpace = length > 0; // white space before the first word is dropped
                continue;
            }
            if (pendingSpace) buffer[length++] = ' ';
            pendingSpace = false;
            buffer[length++] = c;
        }
        return new string(buffer, 0, length); // white space after the last word was pending, and is dropped
    }

    /// <summary>Whether <paramref name="text"/> already has only single spaces between words (the common case of
    /// prose on one line), so it can be returned without copying.</summary>
    private static bool IsCollapsed(string text)
    {
        if (text.Length == 0) return true;
        if (IsWhiteSpace(text[0]) || IsWhiteSpace(text[^1])) return false;
        for (int i = 1; i < text.Length; i++)
            if (IsWhiteSpace(text[i]) && (text[i] != ' ' || IsWhiteSpace(text[i - 1]))) return false;
        return true;
    }

    /// <summary>The Unicode White_Space property, spelled out so that the rule cannot move with the runtime's tables
    /// (it is stable in Unicode, and all of it is in the BMP).</summary>
    private static bool IsWhiteSpace(char c) => c switch
    {
        >= '\u0009' and <= '\u000D' => true, // tab, LF, vertical tab, form feed, CR
        ' ' or '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' => true, // en quad .. hair space
        '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };
}
