using OpenLedger.ML.Attribution.Spans;

namespace OpenLedger.Tests.ML.Attribution.Spans;

public class SuffixArrayTests
{
    /// <summary>The definition: suffix start positions sorted by comparing the suffixes, a prefix before its extensions.</summary>
    private static int[] NaiveSuffixArray(int[] text)
    {
        var positions = Enumerable.Range(0, text.Length).ToArray();
        Array.Sort(positions, (a, b) => text.AsSpan(a).SequenceCompareTo(text.AsSpan(b)));
        return positions;
    }

    [Fact]
    public void Equals_the_naive_sort_on_random_sequences()
    {
        var random = new Random(20261206);
        for (var trial = 0; trial < 3000; trial++)
        {
            // Small alphabets make long repeats and deep recursion; large ones exercise sparse buckets.
            var alphabet = trial % 4 == 3 ? random.Next(1, 70_000) : random.Next(1, 5);
            var text = new int[random.Next(0, 120)];
            for (var i = 0; i < text.Length; i++) text[i] = random.Next(alphabet);
            Assert.Equal(NaiveSuffixArray(text), SuffixArray.Build(text, alphabet));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("abababababababababababababababab")]
    [InlineData("abcabcabcabcabcabcabcabcabcabcabcabcabd")]
    [InlineData("mississippi")]
    [InlineData("ba")]
    [InlineData("cbacbacbacbacbacbacbacba")]
    [InlineData("abaababaabaababaababaabaababaabaab")] // a Fibonacci word: many nested repeats
    public void Equals_the_naive_sort_on_repetitive_text(string letters)
    {
        var text = letters.Select(c => c - 'a').ToArray();
        Assert.Equal(NaiveSuffixArray(text), SuffixArray.Build(text, 26));
    }

    [Fact]
    public void Is_a_sorted_permutation_on_a_large_periodic_text()
    {
        // A period of 7 with one change in the middle: the recursion goes several levels deep.
        var text = Enumerable.Range(0, 20_000).Select(i => i == 10_000 ? 9 : i % 7).ToArray();
        var sa = SuffixArray.Build(text, 10);
        Assert.Equal(Enumerable.Range(0, text.Length), sa.Order());
        for (var i = 1; i < sa.Length; i++)
            Assert.True(text.AsSpan(sa[i - 1]).SequenceCompareTo(text.AsSpan(sa[i])) < 0, $"suffixes {sa[i - 1]} and {sa[i]} out of order");
    }

    [Fact]
    public void Refuses_symbols_outside_the_alphabet()
    {
        Assert.Throws<ArgumentException>(() => SuffixArray.Build([0, 1, 5], 5));
        Assert.Throws<ArgumentException>(() => SuffixArray.Build([0, -1], 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => SuffixArray.Build([], 0));
    }
}
