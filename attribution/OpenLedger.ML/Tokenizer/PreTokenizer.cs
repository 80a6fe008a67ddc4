using System.Text.RegularExpressions;

namespace OpenLedger.ML.Tokenizer;

/// <summary>GPT-2's split of text into chunks before BPE: contractions, runs of letters or digits or other symbols
/// (each with at most one leading space), and whitespace. Merges never cross a chunk boundary, so the vocabulary
/// learns "␠the" and "ing" rather than "the␠c" from whichever words happened to be adjacent in the corpus.</summary>
public static partial class PreTokenizer
{
    /// <summary>OpenAI's pattern for GPT-2 (encoder.py). Every character falls in one of the alternatives (whitespace,
    /// letter, digit, anything else), so the chunks always concatenate back to the input; a surrogate pair is two
    /// "other" characters and stays in one chunk.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    [GeneratedRegex(Gpt2Pattern)]
    private static partial Regex Gpt2();

    public static IEnumerable<string> Split(string text)
    {
        foreach (Match match in Gpt2().Matches(text)) yield return match.Value;
    }
}
