namespace OpenLedger.ML.Corpus;

/// <summary>WordNet's parts of speech as the data files mark them (<c>n v a s r</c>); a satellite adjective is one
/// clustered around a head adjective ("arid" around "dry").</summary>
public enum PartOfSpeech
{
    Noun,
    Verb,
    Adjective,
    AdjectiveSatellite,
    Adverb,
}

/// <summary>One WordNet synset: a set of synonymous words with one meaning, its lexicographer category
/// (<c>noun.animal</c>), definition and usage examples. <see cref="Offset"/> with the part of speech identifies it
/// in WordNet 3.0 (the byte offset of its line in <c>data.{pos}</c>).</summary>
public sealed record Synset(
    long Offset,
    PartOfSpeech PartOfSpeech,
    string Category,
    IReadOnlyList<string> Words,
    string Definition,
    IReadOnlyList<string> Examples)
{
    /// <summary>The conventional WordNet id, e.g. <c>02084071-n</c> for "dog".</summary>
    public string Id => $"{Offset:D8}-{PosLetter(PartOfSpeech)}";

    /// <summary>One line of training text: "dog, domestic dog, Canis familiaris: a member of the genus Canis ...
    /// e.g. "the dog barked all night"".</summary>
    public string ToText()
    {
        var text = $"{string.Join(", ", Words)}: {Definition}";
        return Examples.Count == 0 ? text : $"{text}; e.g. {string.Join("; ", Examples.Select(e => $"\"{e}\""))}";
    }

    public static char PosLetter(PartOfSpeech pos) => pos switch
    {
        PartOfSpeech.Noun => 'n',
        PartOfSpeech.Verb => 'v',
        PartOfSpeech.Adjective => 'a',
        PartOfSpeech.AdjectiveSatellite => 's',
        PartOfSpeech.Adverb => 'r',
        _ => throw new ArgumentOutOfRangeException(nameof(pos), pos, null),
    };
}
