namespace OpenLedger.ML.Corpus;

/// <summary>WordNet 3.0's 45 lexicographer files, indexed by the two-digit number each synset line carries
/// (lexnames(5WN)). Written here because Debian's wordnet-base ships the data files but not <c>lexnames</c> itself;
/// the list has been fixed since WordNet 2.0.</summary>
public static class LexicographerFiles
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute",
        "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
        "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant",
        "noun.possession", "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state",
        "noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition", "verb.communication",
        "verb.competition", "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
        "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl",
    ];
}
