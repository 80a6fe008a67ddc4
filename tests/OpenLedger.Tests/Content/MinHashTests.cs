using System.Text;
using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Tests.Content;

public class MinHashTests
{
    private static readonly string[] Vocabulary =
    [
        "data", "model", "ledger", "token", "reward", "block", "chain", "train", "infer", "weight", "adapter", "base",
        "score", "trace", "proof", "open", "net", "set", "row", "column", "river", "mountain", "forest", "ocean",
        "paper", "stone", "glass", "music", "color", "light", "shadow", "winter", "summer", "garden", "market", "city",
        "engine", "signal", "noise", "value", "price", "share", "split", "exact", "round", "queue", "stream", "grain",
        "silo", "cluster",
    ];

    /// <summary>A reproducible text of <paramref name="words"/> words drawn from the vocabulary.</summary>
    internal static string Text(int seed, int words)
    {
        var random = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, words).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
    }

    internal static uint[] Sig(string text) => MinHash.Signature(Encoding.UTF8.GetBytes(text))!;

    [Fact]
    public void Identical_texts_have_similarity_one()
    {
        var text = Text(1, 200);
        Assert.Equal(1.0, MinHash.Similarity(Sig(text), Sig(text)));
        // Normalization and case do not matter: the same words, laid out and cased differently.
        Assert.Equal(1.0, MinHash.Similarity(Sig(text), Sig(text.ToUpperInvariant().Replace(" ", " \r\n\t"))));
    }

    [Fact]
    public void One_word_changed_in_two_hundred_stays_similar()
    {
        var words = Text(2, 200).Split(' ');
        var original = string.Join(' ', words);
        words[100] = "changed";
        Assert.True(MinHash.Similarity(Sig(original), Sig(string.Join(' ', words))) >= 0.8);
    }

    [Fact]
    public void Unrelated_texts_are_dissimilar()
    {
        Assert.True(MinHash.Similarity(Sig(Text(3, 200)), Sig(Text(4, 200))) < 0.3);
        Assert.True(MinHash.Similarity(Sig("The quick brown fox jumps over the lazy dog"), Sig(Text(5, 50))) < 0.3);
    }

    [Fact]
    public void Short_texts_use_character_shingles()
    {
        // Two words: character 5-grams, so a small edit keeps most of them.
        Assert.True(MinHash.Similarity(Sig("internationalization localization"), Sig("internationalisation localization")) >= 0.5);
        Assert.True(MinHash.Similarity(Sig("internationalization"), Sig("photosynthesis")) < 0.3);
        Assert.Equal(1.0, MinHash.Similarity(Sig("abc"), Sig("ABC")));
    }

    [Fact]
    public void Empty_text_is_the_empty_set()
    {
        Assert.All(Sig(""), v => Assert.Equal(uint.MaxValue, v));
        Assert.All(Sig(" \r\n "), v => Assert.Equal(uint.MaxValue, v));
        Assert.Equal(MinHash.Length, Sig("").Length);
    }

    [Fact]
    public void Signatures_are_fixed_across_processes_and_machines()
    {
        // Computed once and written down: a signature that changes here (a process-randomized hash, new constants, a
        // different shingling) would make every stored signature and every node's index disagree.
        uint[] expected = [283612786u, 711378364u, 228249798u, 511811511u, 279154397u, 95954610u, 133344321u, 703823559u];
        var sig = Sig("The quick brown fox jumps over the lazy dog");
        Assert.Equal(expected, sig[..expected.Length]);
    }

    [Fact]
    public void Encode_is_256_big_endian_bytes_and_decode_inverts_it()
    {
        var sig = Sig(Text(6, 30));
        var bytes = MinHash.Encode(sig);
        Assert.Equal(256, bytes.Length);
        Assert.Equal((byte)(sig[0] >> 24), bytes[0]);
        Assert.Equal((byte)sig[63], bytes[255]);
        Assert.Equal(sig, MinHash.Decode(bytes));
        Assert.Throws<ArgumentException>(() => MinHash.Decode(bytes.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => MinHash.Encode(new uint[3]));
        Assert.Throws<ArgumentException>(() => MinHash.Similarity(sig, new uint[3]));
    }

    [Fact]
    public void Near_duplicate_index_finds_the_near_copy_and_not_the_unrelated_text()
    {
        var index = new NearDuplicateIndex();
        var original = Text(7, 200);
        var words = original.Split(' ');
        words[50] = "edited";
        var nearCopy = string.Join(' ', words);
        var unrelated = Text(8, 200);
        Hash32 Id(string s) => Keccak256.Hash(s);

        index.Add(Id(original), Sig(original));
        index.Add(Id(unrelated), Sig(unrelated));
        for (int i = 0; i < 50; i++)
        {
            var other = Text(100 + i, 200);
            index.Add(Id(other), Sig(other));
        }
        index.Add(Id(original), Sig(original)); // adding again is a no-op
        Assert.Equal(52, index.Count);

        var found = index.FindSimilar(Sig(nearCopy));
        var hit = Assert.Single(found);
        Assert.Equal(Id(original), hit.Id);
        Assert.True(hit.Similarity >= 0.8);

        // The query's own entry is excluded only when asked.
        index.Add(Id(nearCopy), Sig(nearCopy));
        var withSelf = index.FindSimilar(Sig(nearCopy));
        Assert.Equal([Id(nearCopy), Id(original)], withSelf.Select(f => f.Id));
        Assert.Equal(1.0, withSelf[0].Similarity);
        Assert.Equal([Id(original)], index.FindSimilar(Sig(nearCopy), exclude: Id(nearCopy)).Select(f => f.Id));
        Assert.Empty(index.FindSimilar(Sig(Text(9, 200))));
    }

    [Fact]
    public void Near_duplicate_index_orders_by_similarity_then_id()
    {
        var index = new NearDuplicateIndex();
        var sig = Sig(Text(10, 100));
        var half = (uint[])sig.Clone();
        for (int i = 0; i < 32; i++) half[i] ^= 1; // 32 slots differ, 32 equal (bands 8..15 match)
        var a = Keccak256.Hash("a");
        var b = Keccak256.Hash("b");
        var c = Keccak256.Hash("c");
        index.Add(c, half);
        index.Add(b, sig);
        index.Add(a, sig);
        var found = index.FindSimilar(sig, threshold: 0.5);
        var ab = a.CompareTo(b) < 0 ? new[] { a, b } : new[] { b, a };
        Assert.Equal([ab[0], ab[1], c], found.Select(f => f.Id));
        Assert.Equal([1.0, 1.0, 0.5], found.Select(f => f.Similarity));
    }
}
