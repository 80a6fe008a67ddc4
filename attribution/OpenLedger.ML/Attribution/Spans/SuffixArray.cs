namespace OpenLedger.ML.Attribution.Spans;

/// <summary>Suffix array construction by induced sorting (SA-IS, Nong, Zhang and Chan 2009) over an integer alphabet:
/// O(n) time and, besides the input and the output, about 5 bytes per symbol of work space at the top level (the type
/// bits, the LMS map and the LMS list; the recursion is on at most half as many symbols). Token corpora have alphabets
/// of tens of thousands of symbols, so a byte-oriented builder (divsufsort) does not apply and prefix doubling would
/// cost log n radix passes over n.</summary>
public static class SuffixArray
{
    /// <summary>The start positions of the suffixes of <paramref name="text"/> in lexicographic order, a shorter suffix
    /// before every longer one it is a prefix of. Every symbol must be in [0, <paramref name="alphabetSize"/>).</summary>
    public static int[] Build(ReadOnlySpan<int> text, int alphabetSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(alphabetSize, 1);
        foreach (var symbol in text)
            if ((uint)symbol >= (uint)alphabetSize)
                throw new ArgumentException($"symbol {symbol} is outside the alphabet [0, {alphabetSize})", nameof(text));
        return InducedSort(text, alphabetSize - 1);
    }

    /// <summary>SA-IS on symbols in [0, <paramref name="upper"/>]. The end of the text acts as a sentinel smaller than
    /// every symbol, so the last suffix is L-type and no sentinel has to be appended.</summary>
    private static int[] InducedSort(ReadOnlySpan<int> s, int upper)
    {
        var n = s.Length;
        switch (n)
        {
            case 0: return [];
            case 1: return [0];
            case 2: return s[0] < s[1] ? [0, 1] : [1, 0];
        }

        // isS[i]: suffix i is S-type (smaller than suffix i + 1).
        var isS = new bool[n];
        for (var i = n - 2; i >= 0; i--) isS[i] = s[i] == s[i + 1] ? isS[i + 1] : s[i] < s[i + 1];

        // Each symbol's bucket holds its L-type suffixes first, then its S-type ones: lStart[c] and sStart[c] are where
        // those parts begin.
        var lStart = new int[upper + 2];
        var sStart = new int[upper + 1];
        for (var i = 0; i < n; i++)
        {
            if (isS[i]) lStart[s[i] + 1]++;
            else sStart[s[i]]++;
        }
        for (var c = 0; c <= upper; c++)
        {
            sStart[c] += lStart[c];
            lStart[c + 1] += sStart[c];
        }

        var sa = new int[n];
        // lmsRank[i]: the index of LMS position i in left-to-right order, or -1 if i is not an LMS position.
        var lmsRank = new int[n];
        Array.Fill(lmsRank, -1);
        var lmsCount = 0;
        for (var i = 1; i < n; i++)
            if (!isS[i - 1] && isS[i]) lmsRank[i] = lmsCount++;
        var lms = new int[lmsCount];
        for (var i = 1; i < n; i++)
            if (lmsRank[i] >= 0) lms[lmsRank[i]] = i;

        // First pass: LMS positions in text order sort the LMS substrings correctly (not yet the LMS suffixes).
        Induce(s, sa, isS, lStart, sStart, lms);
        if (lmsCount == 0) return sa;

        var sortedLms = new int[lmsCount];
        var k = 0;
        foreach (var position in sa)
            if (lmsRank[position] >= 0) sortedLms[k++] = position;

        // Name each LMS substring by its rank among distinct LMS substrings; equal substrings get equal names.
        var reduced = new int[lmsCount];
        var name = 0;
        reduced[lmsRank[sortedLms[0]]] = 0;
        for (var i = 1; i < lmsCount; i++)
        {
            if (!SameLmsSubstring(s, lms, lmsRank, sortedLms[i - 1], sortedLms[i])) name++;
            reduced[lmsRank[sortedLms[i]]] = name;
        }

        // Distinct names already order the LMS suffixes; otherwise sort the reduced text recursively.
        var reducedSa = name + 1 == lmsCount ? InverseOf(reduced) : InducedSort(reduced, name);
        for (var i = 0; i < lmsCount; i++) sortedLms[i] = lms[reducedSa[i]];
        Induce(s, sa, isS, lStart, sStart, sortedLms);
        return sa;
    }

    /// <summary>Places the LMS suffixes at the ends of their buckets (in the given order), then induces the L-type
    /// suffixes left to right and the S-type suffixes right to left.</summary>
    private static void Induce(ReadOnlySpan<int> s, int[] sa, bool[] isS, int[] lStart, int[] sStart, int[] lms)
    {
        var n = s.Length;
        Array.Fill(sa, -1);
        var next = (int[])sStart.Clone();
        // Forward placement at the start of each bucket's S part keeps the given order; the S pass below overwrites
        // that part from the bucket's end, and what it writes is right whatever was there.
        foreach (var position in lms) sa[next[s[position]]++] = position;

        next = (int[])lStart.Clone();
        sa[next[s[n - 1]]++] = n - 1;
        for (var i = 0; i < n; i++)
        {
            var v = sa[i] - 1;
            if (v >= 0 && !isS[v]) sa[next[s[v]]++] = v;
        }

        next = (int[])lStart.Clone();
        for (var i = n - 1; i >= 0; i--)
        {
            var v = sa[i] - 1;
            if (v >= 0 && isS[v]) sa[--next[s[v] + 1]] = v;
        }
    }

    private static bool SameLmsSubstring(ReadOnlySpan<int> s, int[] lms, int[] lmsRank, int left, int right)
    {
        var n = s.Length;
        var leftEnd = lmsRank[left] + 1 < lms.Length ? lms[lmsRank[left] + 1] : n;
        var rightEnd = lmsRank[right] + 1 < lms.Length ? lms[lmsRank[right] + 1] : n;
        if (leftEnd - left != rightEnd - right) return false;
        for (; left < leftEnd; left++, right++)
            if (s[left] != s[right]) return false;
        // Both substrings include the LMS symbol that ends them; one that runs into the end of the text differs.
        return left < n && right < n && s[left] == s[right];
    }

    private static int[] InverseOf(int[] permutation)
    {
        var inverse = new int[permutation.Length];
        for (var i = 0; i < permutation.Length; i++) inverse[permutation[i]] = i;
        return inverse;
    }
}
