using System.Globalization;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Demo;

/// <summary>
/// Real WordNet 3.0 examples of the lexname task (a synset's words and definition -> its lexicographer category), read
/// from Debian's wordnet-base data files, for the demo: the same text-label form as OpenLedger.ML's <c>LexnameTask</c>
/// (<c>dog, domestic dog, Canis familiaris: a member of the genus Canis ...</c> -> <c>noun.animal</c>), read here
/// without the ML engine. A few well-separated categories keep the demo's model small and quick to train.
/// </summary>
public static class LexnameExamples
{
    public const string DefaultDirectory = "/usr/share/wordnet";

    /// <summary>The demo's categories: name, the two-digit number data lines carry (lexnames(5WN)), the data file.</summary>
    public static readonly IReadOnlyList<(string Name, int Number, string File)> Categories =
        [("noun.animal", 5, "data.noun"), ("noun.food", 13, "data.noun"), ("verb.motion", 38, "data.verb")];

    /// <summary>Up to <paramref name="perCategory"/> examples of each category, then <paramref name="held"/> more per
    /// category that are not among them (questions for the trained model). Deterministic: synsets in file order, every
    /// <paramref name="stride"/>-th one with a definition of 6 to 24 words.</summary>
    public static (List<TaskExample> Train, List<TaskExample> Held) Read(string directory, int perCategory, int held, int stride = 7)
    {
        var train = new List<TaskExample>();
        var questions = new List<TaskExample>();
        foreach (var (name, number, file) in Categories)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
                throw new Marketplace.CommandFailedException($"WordNetNotFound: {path} is missing (apt-get install wordnet-base, or --wordnet DIR)");
            var taken = File.ReadLines(path)
                .Where(l => !l.StartsWith("  ", StringComparison.Ordinal))
                .Select(l => Parse(l, number))
                .OfType<TaskExample>()
                .Where((_, i) => i % stride == 0)
                .Take(perCategory + held)
                .Select(e => e with { Output = name })
                .ToList();
            train.AddRange(taken.Take(perCategory));
            questions.AddRange(taken.Skip(perCategory));
        }
        // Interleaved, so each contributor gets every category.
        return ([.. train.Select((e, i) => (e, i)).OrderBy(x => x.i % perCategory).ThenBy(x => x.i).Select(x => x.e)], questions);
    }

    /// <summary>One data line (<c>offset lex_filenum ss_type w_cnt (word lex_id){w_cnt} ... | gloss</c>) of category
    /// <paramref name="number"/> as an example with an empty label; null for another category or an unsuitable gloss.</summary>
    private static TaskExample? Parse(string line, int number)
    {
        var bar = line.IndexOf(" | ", StringComparison.Ordinal);
        if (bar < 0) return null;
        var fields = line[..bar].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || int.Parse(fields[1], CultureInfo.InvariantCulture) != number) return null;
        var wordCount = int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var words = Enumerable.Range(0, wordCount).Select(i => fields[4 + 2 * i].Replace('_', ' '));
        var gloss = line[(bar + 3)..].Trim();
        var definition = (gloss.IndexOf("; \"", StringComparison.Ordinal) is var q and >= 0 ? gloss[..q] : gloss).TrimEnd(';', ' ');
        var length = definition.Split(' ').Length;
        return length is < 6 or > 24 ? null : new TaskExample($"{string.Join(", ", words)}: {definition}", "");
    }
}
