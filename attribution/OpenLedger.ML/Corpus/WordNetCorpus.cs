using System.Globalization;
using System.Text.RegularExpressions;

namespace OpenLedger.ML.Corpus;

/// <summary>WordNet 3.0 read from its database files (wndb(5WN)), as Debian's <c>wordnet-base</c> package installs
/// them in <c>/usr/share/wordnet</c>: 117,659 synsets with definitions and examples in 45 categories. The real English
/// corpus of the built-in base model, the demo datanets and the attribution benchmarks (nothing can be downloaded
/// at run time).</summary>
public sealed partial class WordNetCorpus
{
    public const string DefaultDirectory = "/usr/share/wordnet";

    private static readonly (string File, PartOfSpeech Pos)[] DataFiles =
    [
        ("data.noun", PartOfSpeech.Noun), ("data.verb", PartOfSpeech.Verb),
        ("data.adj", PartOfSpeech.Adjective), ("data.adv", PartOfSpeech.Adverb),
    ];

    private WordNetCorpus(IReadOnlyList<Synset> synsets) => Synsets = synsets;

    /// <summary>Every synset, nouns then verbs, adjectives, adverbs, each in file (offset) order.</summary>
    public IReadOnlyList<Synset> Synsets { get; }

    /// <summary>Reads the four data files in <paramref name="directory"/>. A missing directory or file is an
    /// installation problem and the message says how to fix it.</summary>
    public static WordNetCorpus Load(string directory = DefaultDirectory)
    {
        var missing = DataFiles.Select(f => Path.Combine(directory, f.File)).Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException(
                $"WordNet 3.0 is not installed: {string.Join(", ", missing)} not found. " +
                "Install Debian's wordnet-base package (apt-get install wordnet-base), which puts it in /usr/share/wordnet.");
        var synsets = new List<Synset>(120_000);
        foreach (var (file, pos) in DataFiles)
        {
            var path = Path.Combine(directory, file);
            var lineNumber = 0;
            foreach (var line in File.ReadLines(path))
            {
                lineNumber++;
                if (line.StartsWith("  ", StringComparison.Ordinal)) continue; // the license header
                try
                {
                    synsets.Add(ParseLine(line, pos));
                }
                catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentException)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: not a WordNet synset line: {e.Message}", e);
                }
            }
        }
        return new WordNetCorpus(synsets);
    }

    /// <summary>One data line: <c>offset lex_filenum ss_type w_cnt (word lex_id){w_cnt} p_cnt (ptr){p_cnt}
    /// [frames] | gloss</c>, w_cnt in hex. Words have '_' for spaces and adjectives may carry a syntactic marker
    /// such as "(a)" or "(ip)", dropped here.</summary>
    public static Synset ParseLine(string line, PartOfSpeech filePos)
    {
        var bar = line.IndexOf(" | ", StringComparison.Ordinal);
        var fields = (bar < 0 ? line : line[..bar]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var gloss = bar < 0 ? "" : line[(bar + 3)..].Trim();

        var offset = long.Parse(fields[0], CultureInfo.InvariantCulture);
        var category = LexicographerFiles.Names[int.Parse(fields[1], CultureInfo.InvariantCulture)];
        var pos = fields[2] switch
        {
            "n" => PartOfSpeech.Noun,
            "v" => PartOfSpeech.Verb,
            "a" => PartOfSpeech.Adjective,
            "s" => PartOfSpeech.AdjectiveSatellite,
            "r" => PartOfSpeech.Adverb,
            var other => throw new FormatException($"unknown synset type '{other}'"),
        };
        if (pos != filePos && !(filePos == PartOfSpeech.Adjective && pos == PartOfSpeech.AdjectiveSatellite))
            throw new FormatException($"a {pos} synset in the {filePos} file");
        var wordCount = int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var words = new List<string>(wordCount);
        for (var i = 0; i < wordCount; i++)
            words.Add(AdjectiveMarker().Replace(fields[4 + 2 * i], "").Replace('_', ' '));

        var (definition, examples) = SplitGloss(gloss);
        return new Synset(offset, pos, category, words, definition, examples);
    }

    /// <summary>A gloss is the definition, then optionally examples in double quotes, separated by "; ":
    /// <c>a member of the genus Canis ...; "the dog barked all night"</c>. An example may be followed by an
    /// attribution (<c>"..." - Shakespeare</c>), which is not part of it.</summary>
    public static (string Definition, IReadOnlyList<string> Examples) SplitGloss(string gloss)
    {
        var firstExample = gloss.StartsWith('"') ? 0 : gloss.IndexOf("; \"", StringComparison.Ordinal);
        if (firstExample < 0) return (gloss.TrimEnd(';', ' '), []);
        var definition = gloss[..firstExample].TrimEnd(';', ' ');
        var examples = QuotedText().Matches(gloss[firstExample..]).Select(m => m.Groups[1].Value.Trim())
            .Where(e => e.Length > 0).ToList();
        return (definition, examples);
    }

    [GeneratedRegex(@"\((a|p|ip)\)$")]
    private static partial Regex AdjectiveMarker();

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex QuotedText();
}
