using OpenLedger.ML.Attribution.Spans;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Tokenizer;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML.Attribution.Spans;

public class SpanIndexTests
{
    [Fact]
    public void Counts_and_locations_equal_naive_substring_search()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 400; trial++)
        {
            var vocab = random.Next(1, 5);
            var documents = RandomCorpora.Documents(random, vocab);
            var index = SpanIndex.Build(TokenCorpus.Create(documents, vocab));
            for (var q = 0; q < 20; q++)
            {
                var pattern = RandomCorpora.Output(random, documents, vocab, maxLength: 8);
                var expected = RandomCorpora.NaiveOccurrences(documents, pattern);
                Assert.Equal(expected.Count, index.Count(pattern));
                var located = index.Locate(pattern, int.MaxValue);
                Assert.Equal(expected, located.Select(o => (o.Document, o.Offset)));
                Assert.All(located, o => Assert.Equal(documents[o.Document].ContributionId, o.ContributionId));
            }
        }
    }

    [Fact]
    public void Finds_exactly_the_maximal_spans_and_none_crosses_a_document()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 400; trial++)
        {
            var vocab = random.Next(2, 6);
            var documents = RandomCorpora.Documents(random, vocab);
            var index = SpanIndex.Build(TokenCorpus.Create(documents, vocab));
            var minLength = random.Next(1, 5);
            var cap = random.Next(0, 4);
            var output = RandomCorpora.Output(random, documents, vocab);
            var spans = index.FindSpans(output, new SpanQueryOptions { MinLength = minLength, MaxOccurrences = cap });

            Assert.Equal(RandomCorpora.NaiveMaximalSpans(documents, output, minLength), spans.Select(s => (s.Start, s.Length, s.Count)));
            foreach (var span in spans)
            {
                Assert.Equal(Math.Min(cap, span.Count), span.Occurrences.Count);
                Assert.Equal(span.Occurrences.Count, span.Occurrences.Distinct().Count());
                foreach (var occurrence in span.Occurrences)
                {
                    // Inside one document, and verbatim there.
                    var tokens = documents[occurrence.Document].Tokens;
                    Assert.True(occurrence.Offset + span.Length <= tokens.Length, "a span runs past the end of its document");
                    Assert.Equal(output.AsSpan(span.Start, span.Length), tokens.AsSpan(occurrence.Offset, span.Length));
                }
            }
        }
    }

    [Fact]
    public void A_span_that_only_exists_across_a_document_boundary_is_not_found()
    {
        var index = SpanIndex.Build(TokenCorpus.Create([new("a", [1, 2, 3, 4]), new("b", [5, 6, 7, 8])], 10));
        Assert.Equal(1, index.Count([3, 4]));
        Assert.Equal(0, index.Count([3, 4, 5, 6]));
        var spans = index.FindSpans([1, 2, 3, 4, 5, 6, 7, 8], new SpanQueryOptions { MinLength = 2 });
        Assert.Equal(new[] { (0, 4, "a"), (4, 4, "b") }, spans.Select(s => (s.Start, s.Length, s.Contributions.Single())));
    }

    [Fact]
    public void Empty_corpus_and_empty_query_give_nothing()
    {
        var empty = SpanIndex.Build(TokenCorpus.Create([], 50));
        Assert.Equal(0, empty.TextLength);
        Assert.Equal(0, empty.Count([1, 2]));
        Assert.Empty(empty.FindSpans([1, 2, 3, 4, 5]));

        var emptyDocuments = SpanIndex.Build(TokenCorpus.Create([new("a", []), new("b", [])], 50));
        Assert.Equal(2, emptyDocuments.DocumentCount);
        Assert.Empty(emptyDocuments.FindSpans([1, 2, 3, 4, 5], new SpanQueryOptions { MinLength = 1 }));

        var index = SpanIndex.Build(TokenCorpus.Create([new("a", [1, 2, 3, 4])], 50));
        Assert.Empty(index.FindSpans([]));
        Assert.Equal(0, index.Count([]));
        Assert.Empty(index.Locate([], 10));
    }

    [Fact]
    public void The_separator_and_tokens_outside_the_vocabulary_never_match()
    {
        var index = SpanIndex.Build(TokenCorpus.Create([new("a", [1, 2]), new("b", [3])], 4));
        Assert.Equal(0, index.Count([4]));
        Assert.Equal(0, index.Count([2, 4, 3]));
        Assert.Equal(0, index.Count([-1]));
        Assert.Throws<ArgumentException>(() => TokenCorpus.Create([new("a", [1, 4])], 4));
        Assert.Throws<ArgumentException>(() => TokenCorpus.Create([new("a", [-3])], 4));
    }

    [Fact]
    public void Options_out_of_range_are_refused_and_the_occurrence_cap_never_changes_the_count()
    {
        var index = SpanIndex.Build(TokenCorpus.Create([new("a", [1, 2, 3, 1, 2, 3]), new("b", [1, 2, 3])], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.FindSpans([1, 2, 3], new SpanQueryOptions { MinLength = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.FindSpans([1, 2, 3], new SpanQueryOptions { MaxOccurrences = -1 }));
        var capped = index.FindSpans([1, 2, 3], new SpanQueryOptions { MinLength = 3, MaxOccurrences = 2 }).Single();
        Assert.Equal(3, capped.Count);
        Assert.Equal(2, capped.Occurrences.Count);
        var all = index.FindSpans([1, 2, 3], new SpanQueryOptions { MinLength = 3, MaxOccurrences = 10 }).Single();
        Assert.Equal(new[] { (0, 0), (0, 3), (1, 0) }, all.Occurrences.Select(o => (o.Document, o.Offset)));
        Assert.Equal(new[] { "a", "b" }, all.Contributions);
    }

    [Fact]
    public void A_vocabulary_beyond_16_bits_is_stored_at_4_bytes_and_still_matches()
    {
        var documents = new CorpusDocument[] { new("x", [70_000, 5, 99_999, 70_000, 5]), new("y", [5, 99_999]) };
        var index = SpanIndex.Build(TokenCorpus.Create(documents, 100_000));
        Assert.Equal(4, index.TokenWidth);
        Assert.Equal(2, index.Count([70_000, 5]));
        Assert.Equal(2, index.Count([5, 99_999]));
        var reloaded = SpanIndex.Load(index.ToBytes());
        Assert.Equal(4, reloaded.TokenWidth);
        Assert.Equal(2, reloaded.Count([5, 99_999]));

        var narrow = SpanIndex.Build(TokenCorpus.Create(documents.Select(d => d with { Tokens = [.. d.Tokens.Select(t => t % 7)] }), 65_535));
        Assert.Equal(2, narrow.TokenWidth);
    }

    [Fact]
    public void Finds_a_contributors_phrase_in_a_model_output_through_the_builtin_tokenizer()
    {
        var tokenizer = BpeTokenizer.Load(Path.Combine(TestBaseModel.Directory, BaseModelRecipe.TokenizerFile));
        var corpus = TokenCorpus.Tokenize(
        [
            ("0xaa", "dog, domestic dog: a member of the genus Canis that has been domesticated by man since prehistoric times"),
            ("0xbb", "cat, true cat: feline mammal usually having thick soft fur and no ability to roar"),
        ], tokenizer);
        var index = SpanIndex.Build(corpus);
        var output = tokenizer.Encode("the answer is a feline mammal usually having thick soft fur, I think");
        var spans = index.FindSpans(output);

        var longest = spans.MaxBy(s => s.Length)!;
        Assert.Equal(new[] { "0xbb" }, longest.Contributions);
        Assert.Contains("feline mammal usually having thick soft fur", tokenizer.Decode(output.Skip(longest.Start).Take(longest.Length)));
        Assert.All(spans, s => Assert.True(s.Length >= SpanQueryOptions.DefaultMinLength));
    }
}
