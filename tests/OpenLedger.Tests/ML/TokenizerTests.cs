using System.Text;
using CsCheck;
using OpenLedger.ML.Tokenizer;

namespace OpenLedger.Tests.ML;

public class TokenizerTests
{
    private const string English =
        "The quick brown fox jumps over the lazy dog. A contributor adds data to a datanet; the publisher fine-tunes " +
        "a model on it, and every paid inference is traced back to the examples that shaped it. The rewards are paid " +
        "in OPEN, the native token, and the ledger records every step as a signed transaction in a block. " +
        "Numbers like 1234 and 56.78 appear too, with punctuation (brackets, quotes \"like these\") and it's fine.";

    private static readonly Lazy<BpeTokenizer> Small = new(() =>
        BpeTrainer.Train(Enumerable.Repeat(English, 3), vocabSize: 400, [BpeTokenizer.EndOfText]));

    /// <summary>Any Unicode scalar value (no lone surrogates: those are not text and UTF-8 cannot carry them).</summary>
    private static readonly Gen<string> UnicodeText = Gen.OneOf(
            Gen.Int[0, 0x7F], Gen.Int[0x80, 0x7FF], Gen.Int[0x800, 0xD7FF], Gen.Int[0xE000, 0xFFFF], Gen.Int[0x10000, 0x10FFFF],
            Gen.Int[' ', 'z'], Gen.Int[' ', 'z'], Gen.Int[' ', 'z'])
        .Array[0, 40]
        .Select(cps => string.Concat(cps.Select(char.ConvertFromUtf32)));

    [Fact]
    public void Any_unicode_text_round_trips()
    {
        var tokenizer = Small.Value;
        UnicodeText.Sample(text =>
        {
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, allowSpecialTokens: true)));
            Assert.Equal(Encoding.UTF8.GetBytes(text), tokenizer.DecodeBytes(tokenizer.EncodeBytes(Encoding.UTF8.GetBytes(text))));
        }, iter: 2000);
    }

    [Fact]
    public void Any_bytes_round_trip()
    {
        var tokenizer = Small.Value;
        Gen.OneOf(Gen.Byte.Array[0, 64], Gen.Byte[0x20, 0x7A].Array[0, 64]).Sample(bytes =>
            Assert.Equal(bytes, tokenizer.DecodeBytes(tokenizer.EncodeBytes(bytes))), iter: 2000);
        Assert.Equal([0xFF, 0xFE], tokenizer.EncodeBytes([0xFF, 0xFE])); // not UTF-8: one token per byte
    }

    [Fact]
    public void Special_tokens_are_single_ids_only_when_allowed()
    {
        var tokenizer = Small.Value;
        var eot = tokenizer.SpecialTokenId(BpeTokenizer.EndOfText);
        Assert.Equal(tokenizer.VocabSize - 1, eot);
        const string text = "first document<|endoftext|>second";

        var allowed = tokenizer.Encode(text, allowSpecialTokens: true);
        Assert.Single(allowed, eot);
        Assert.Equal(text, tokenizer.Decode(allowed));

        var asText = tokenizer.Encode(text);
        Assert.DoesNotContain(eot, asText);
        Assert.Equal(text, tokenizer.Decode(asText));
    }

    [Fact]
    public void Merges_take_the_most_frequent_pair_and_break_ties_by_the_smallest_bytes()
    {
        // Chunks "cd" and " ab": the pairs (c,d), (' ',a), (a,b) each occur once; ' ' (0x20) sorts first.
        var tokenizer = BpeTrainer.Train(["cd ab"], vocabSize: 259, [], minFrequency: 1);
        Assert.Equal([((int)' ', (int)'a'), (256, (int)'b'), ((int)'c', (int)'d')], tokenizer.Merges);

        // "ab" twice outweighs "cd" once.
        var frequent = BpeTrainer.Train(["cd ab ab"], vocabSize: 257, [], minFrequency: 1);
        Assert.Equal([((int)' ', (int)'a')], frequent.Merges);
        Assert.Empty(BpeTrainer.Train(["cd ab"], vocabSize: 300, []).Merges); // nothing occurs twice
    }

    [Fact]
    public void Training_is_deterministic_and_ignores_document_order()
    {
        var documents = WordNetCorpusTests.Corpus.Synsets.Take(3000).Select(s => s.ToText()).ToList();
        var first = BpeTrainer.Train(documents, 800, [BpeTokenizer.EndOfText]);
        var second = BpeTrainer.Train(documents, 800, [BpeTokenizer.EndOfText]);
        var reordered = documents.ToArray();
        new Random(1).Shuffle(reordered);
        var shuffled = BpeTrainer.Train(reordered, 800, [BpeTokenizer.EndOfText]);
        Assert.Equal(800, first.VocabSize);
        Assert.Equal(first.ToJson(), second.ToJson());
        Assert.Equal(first.ToJson(), shuffled.ToJson());
    }

    [Fact]
    public void Saved_and_loaded_tokenizer_encodes_identically()
    {
        var tokenizer = Small.Value;
        var path = Path.Combine(Path.GetTempPath(), $"openledger-bpe-{Guid.NewGuid():N}.json");
        try
        {
            tokenizer.Save(path);
            var loaded = BpeTokenizer.Load(path);
            Assert.Equal(tokenizer.ToJson(), loaded.ToJson());
            Assert.Equal(tokenizer.Encode(English, allowSpecialTokens: true), loaded.Encode(English, allowSpecialTokens: true));
            Assert.Equal(tokenizer.SpecialTokens, loaded.SpecialTokens);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Throws<ArgumentException>(() => new BpeTokenizer([(300, 1)], []));
    }

    [Fact]
    public void Compresses_held_out_English_more_than_one_and_a_half_times()
    {
        var synsets = WordNetCorpusTests.Corpus.Synsets;
        var training = synsets.Where((_, i) => i % 8 == 0).Select(s => s.ToText());
        var heldOut = synsets.Where((_, i) => i % 8 == 4).Take(5000).Select(s => s.ToText()).ToList();
        var tokenizer = BpeTrainer.Train(training, vocabSize: 2048, [BpeTokenizer.EndOfText]);

        var bytes = heldOut.Sum(t => Encoding.UTF8.GetByteCount(t));
        var tokens = heldOut.Sum(t => tokenizer.Encode(t).Length);
        var ratio = (double)bytes / tokens;
        Assert.True(ratio > 1.5, $"{bytes} bytes in {tokens} tokens: {ratio:F2} bytes per token");
        Assert.Equal(heldOut[0], tokenizer.Decode(tokenizer.Encode(heldOut[0])));
    }
}
