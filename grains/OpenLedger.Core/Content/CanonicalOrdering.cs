namespace OpenLedger.Core.Content;

/// <summary>
/// The Canonical Ordering Algorithm's sort (Unicode ch. 3.11): a run of non-starters ordered by canonical combining
/// class, stably (marks of equal class keep their order, which is meaningful). Short runs, which is all of real text
/// and every run the Stream-Safe Text Format allows, take an insertion sort; longer ones a counting sort over the 255
/// classes, O(k + 256): the time for a run never grows faster than its length, whatever arrives.
/// </summary>
internal static class CanonicalOrdering
{
    /// <summary>Up to this many marks an insertion sort is the fastest (at most 32 x 31 / 2 moves).</summary>
    private const int InsertionLimit = 32;

    /// <summary>Sorts <paramref name="codePoints"/> by <paramref name="classes"/> (the same length: each code point's
    /// class, all non-zero), stably, moving both together.</summary>
    public static void Sort(Span<int> codePoints, Span<byte> classes)
    {
        if (codePoints.Length != classes.Length) throw new ArgumentException("one class per code point");
        if (codePoints.Length <= InsertionLimit) InsertionSort(codePoints, classes);
        else CountingSort(codePoints, classes);
    }

    private static void InsertionSort(Span<int> cps, Span<byte> classes)
    {
        for (int i = 1; i < cps.Length; i++)
        {
            var (cp, cc) = (cps[i], classes[i]);
            int j = i;
            for (; j > 0 && classes[j - 1] > cc; j--)
            {
                cps[j] = cps[j - 1];
                classes[j] = classes[j - 1];
            }
            cps[j] = cp;
            classes[j] = cc;
        }
    }

    private static void CountingSort(Span<int> cps, Span<byte> classes)
    {
        Span<int> next = stackalloc int[256];
        foreach (var cc in classes) next[cc]++;
        // Each class's first slot in the output: the number of marks of lower classes.
        for (int cc = 0, sum = 0; cc < 256; cc++) (next[cc], sum) = (sum, sum + next[cc]);
        var (inputCps, inputClasses) = (cps.ToArray(), classes.ToArray());
        for (int i = 0; i < inputCps.Length; i++) // in input order: stable
        {
            var slot = next[inputClasses[i]]++;
            cps[slot] = inputCps[i];
            classes[slot] = inputClasses[i];
        }
    }
}
