using OpenLedger.Cli.Demo;
using OpenLedger.Cli.Marketplace;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.Evaluation;

namespace OpenLedger.Tests.Cli;

/// <summary>The demo's WordNet examples, read by the slim CLI without the ML engine, are the lexname task's own: each
/// is a synset's text-label form exactly as OpenLedger.ML's <see cref="LexnameTask"/> writes it, in its category.</summary>
public sealed class DemoExamplesTests
{
    [Fact]
    public void Demo_examples_are_real_lexname_examples_and_the_questions_are_not_among_them()
    {
        var (train, held) = LexnameExamples.Read(LexnameExamples.DefaultDirectory, perCategory: 24, held: 2);
        Assert.Equal(72, train.Count);
        Assert.Equal(6, held.Count);
        Assert.All(LexnameExamples.Categories, c => Assert.Equal(24, train.Count(e => e.Output == c.Name)));
        Assert.Empty(train.Select(e => e.Input).Intersect(held.Select(e => e.Input)));
        // Category by category in turn, so contributors taking them round-robin (shifted each round) each get all three.
        Assert.Equal(LexnameExamples.Categories.Select(c => c.Name), train.Take(3).Select(e => e.Output));

        var byText = WordNetCorpus.Load().Synsets.Select(LexnameTask.ExampleOf).GroupBy(e => e.Example.Input).ToDictionary(g => g.Key, g => g.Select(e => e.Example.Output).ToList());
        Assert.All(train.Concat(held), e => Assert.Contains(e.Output, byText[e.Input]));
    }

    [Theory]
    [InlineData("--steps", "0", "--steps must be 1..100000")]
    [InlineData("--contributors", "4", "--contributors must be 1..3")]
    [InlineData("--examples", "x", "--examples expects a number")]
    public async Task Demo_options_are_checked_before_it_reaches_a_node(string option, string value, string expected)
    {
        var r = await CliNodeFixture.RunExactlyAsync(["demo", option, value, "--node", "http://127.0.0.1:9/graphql"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void A_missing_WordNet_directory_is_a_failure_with_a_stable_code()
    {
        var e = Assert.Throws<CommandFailedException>(() => LexnameExamples.Read("/nonexistent-wordnet", 2, 1));
        Assert.StartsWith("WordNetNotFound:", e.Message);
    }
}
