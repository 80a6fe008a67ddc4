using OpenLedger.ML.Corpus;

namespace OpenLedger.Tests.ML;

public class WordNetCorpusTests
{
    private static readonly Lazy<WordNetCorpus> Shared = new(() => WordNetCorpus.Load(WordNetCorpus.DefaultDirectory));

    /// <summary>WordNet 3.0 from Debian's wordnet-base, loaded once for every test that needs real English. When the
    /// package is missing this throws, and each such test fails with the install instruction (no silent skip).</summary>
    internal static WordNetCorpus Corpus => Shared.Value;

    [Fact]
    public void WordNet_3_0_has_117659_synsets_in_45_categories()
    {
        var synsets = Corpus.Synsets;
        Assert.Equal(117_659, synsets.Count);
        Assert.Equal(82_115, synsets.Count(s => s.PartOfSpeech == PartOfSpeech.Noun));
        Assert.Equal(13_767, synsets.Count(s => s.PartOfSpeech == PartOfSpeech.Verb));
        Assert.Equal(18_156, synsets.Count(s => s.PartOfSpeech is PartOfSpeech.Adjective or PartOfSpeech.AdjectiveSatellite));
        Assert.Equal(3_621, synsets.Count(s => s.PartOfSpeech == PartOfSpeech.Adverb));
        Assert.Equal(45, synsets.Select(s => s.Category).Distinct().Count());
        Assert.Equal(synsets.Count, synsets.Select(s => s.Id).Distinct().Count());
        Assert.All(synsets, s => Assert.NotEmpty(s.Words));
        Assert.True(synsets.Count(s => s.Examples.Count > 0) > 30_000);
    }

    [Fact]
    public void Dog_is_a_noun_animal_with_its_definition_and_example()
    {
        var dog = Corpus.Synsets.Single(s => s.Id == "02084071-n");
        Assert.Equal(PartOfSpeech.Noun, dog.PartOfSpeech);
        Assert.Equal("noun.animal", dog.Category);
        Assert.Equal(["dog", "domestic dog", "Canis familiaris"], dog.Words);
        Assert.StartsWith("a member of the genus Canis", dog.Definition);
        Assert.EndsWith("occurs in many breeds", dog.Definition);
        Assert.Equal(["the dog barked all night"], dog.Examples);
        Assert.Equal(
            "dog, domestic dog, Canis familiaris: a member of the genus Canis (probably descended from the common wolf) " +
            "that has been domesticated by man since prehistoric times; occurs in many breeds; e.g. \"the dog barked all night\"",
            dog.ToText());
    }

    [Fact]
    public void Satellite_adjectives_lose_their_syntactic_markers()
    {
        var outback = Corpus.Synsets.Single(s => s.Id == "00020103-s");
        Assert.Equal(PartOfSpeech.AdjectiveSatellite, outback.PartOfSpeech);
        Assert.Equal("adj.all", outback.Category);
        Assert.Equal(["outback", "remote"], outback.Words);
        Assert.Equal("inaccessible and sparsely populated", outback.Definition);
        Assert.Empty(outback.Examples);
    }

    [Theory]
    [InlineData("a tool", "a tool", new string[0])]
    [InlineData("shut; \"close the door\"; \"shut up\"", "shut", new[] { "close the door", "shut up" })]
    [InlineData("kill; \"Thou shalt not kill\" - Bible", "kill", new[] { "Thou shalt not kill" })]
    [InlineData("\"hello\"", "", new[] { "hello" })]
    [InlineData("one; two;  ", "one; two", new string[0])]
    public void A_gloss_splits_into_definition_and_quoted_examples(string gloss, string definition, string[] examples)
    {
        var (d, e) = WordNetCorpus.SplitGloss(gloss);
        Assert.Equal(definition, d);
        Assert.Equal(examples, e);
    }

    [Fact]
    public void A_missing_WordNet_fails_with_the_install_instruction()
    {
        var error = Assert.Throws<FileNotFoundException>(() => WordNetCorpus.Load("/nonexistent/wordnet"));
        Assert.Contains("wordnet-base", error.Message);
        Assert.Contains("apt-get install", error.Message);
    }
}
