using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using CsCheck;
using OpenLedger.Core.Content;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Content;

/// <summary>The normaliser is Unicode NFC of the Stream-Safe Text Format: it passes Unicode's own conformance file, agrees
/// with ICU on random text (long runs of marks included), and its time grows linearly with the input.</summary>
public class UnicodeNfcTests(ITestOutputHelper output)
{
    private static string S(params int[] cps) => string.Concat(cps.Select(char.ConvertFromUtf32));

    private static string Hex(string s) => string.Join(' ', s.EnumerateRunes().Select(r => r.Value.ToString("X4")));

    // ---- Unicode's conformance file ----

    /// <summary>The lines of NormalizationTest.txt (columns source; NFC; NFD; NFKC; NFKD) that use only Unicode 14.0
    /// characters (Content/Data, with how it was made in its header).</summary>
    private static IEnumerable<(int Line, string[] Columns)> ConformanceLines()
    {
        using var file = typeof(UnicodeNfcTests).Assembly.GetManifestResourceStream("OpenLedger.Tests.Content.Data.NormalizationTest-14.txt.gz")
            ?? throw new InvalidOperationException("the conformance file is not embedded");
        using var reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress), Encoding.UTF8);
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0 || line[0] is '#' or '@') continue;
            yield return (number, line.Split(';').Select(column => string.Concat(column.Split(' ').Select(h => char.ConvertFromUtf32(Convert.ToInt32(h, 16))))).ToArray());
        }
    }

    [Fact]
    public void Every_line_of_Unicode_s_normalization_conformance_file_holds()
    {
        // NFC: c2 == toNFC(c1) == toNFC(c2) == toNFC(c3); c4 == toNFC(c4) == toNFC(c5).
        int lines = 0;
        var failures = new List<string>();
        foreach (var (line, c) in ConformanceLines())
        {
            lines++;
            foreach (var (source, expected) in new[] { (c[0], c[1]), (c[1], c[1]), (c[2], c[1]), (c[3], c[3]), (c[4], c[3]) })
                if (UnicodeNfc.Normalize(source) is var actual && actual != expected)
                    failures.Add($"line {line}: NFC({Hex(source)}) = {Hex(actual)}, expected {Hex(expected)}");
        }
        Assert.True(lines > 18_000, $"only {lines} lines read");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join('\n', failures.Take(20)));
    }

    [Theory]
    [InlineData("\u00C0\u0323", "\u1EA0\u0300")] // a precomposed Latin-1 letter decomposes too (it was left whole once)
    [InlineData("\u00E9\u0323", "\u1EB9\u0301")]
    [InlineData("\u00C5\u0301", "\u01FA")]
    public void Precomposed_letters_below_U_0300_are_decomposed_before_reordering(string input, string expected) =>
        Assert.Equal(expected, UnicodeNfc.Normalize(input));

    // ---- random text against ICU ----

    // Characters that exercise every step, all assigned in Unicode 14.0: every non-starter and every character with a
    // canonical decomposition in our data (ICU's tables are independent), Hangul jamo and syllables, the characters whose
    // compatibility decompositions start or end with non-starters, the grapheme joiner itself, letters and CJK.
    private static readonly int[] NonStarters = Ranges(UnicodeNfcData.CombiningClassRanges, 3);
    private static readonly int[] Decomposable = Every(UnicodeNfcData.Decompositions, 3, UnicodeNfcData.PrimaryCompositeFlag);
    private static readonly int[] StreamSafeSpecial = Every(UnicodeNfcData.StreamSafeExceptions, 3, UnicodeNfcData.NoStarterFlag);
    private static readonly int[] Others =
    [
        .. Enumerable.Range('a', 26), .. Enumerable.Range('A', 26), ' ', '.', 0x034F,
        .. Enumerable.Range(0x1100, 19), .. Enumerable.Range(0x1161, 21), .. Enumerable.Range(0x11A8, 27),
        0xAC00, 0xAC01, 0xD4DB, 0xD7A3, 0x4E00, 0x4E01, 0x0915, 0x0B47, 0x0B3E, 0x0DD9, 0x0DCF, 0x1B05, 0x1B35,
    ];

    private static int[] Ranges(ReadOnlySpan<uint> triples, int stride)
    {
        var cps = new List<int>();
        for (int i = 0; i < triples.Length; i += stride)
            for (var cp = (int)triples[i]; cp <= (int)triples[i + 1]; cp++) cps.Add(cp);
        return [.. cps];
    }

    private static int[] Every(ReadOnlySpan<uint> rows, int stride, uint flag)
    {
        var cps = new List<int>();
        for (int i = 0; i < rows.Length; i += stride) cps.Add((int)(rows[i] & ~flag));
        return [.. cps];
    }

    private static readonly Gen<string> OneCharacter = Gen.OneOf(
        Gen.OneOf(NonStarters), Gen.OneOf(Decomposable), Gen.OneOf(StreamSafeSpecial), Gen.OneOf(Others))
        .Select(cp => char.ConvertFromUtf32(cp));

    /// <summary>A run of 20-90 non-starters drawn from a few (so that equal classes meet and their order matters), with
    /// now and then a character whose compatibility decomposition is non-starters only (U+FF9E).</summary>
    private static readonly Gen<string> LongRun =
        Gen.Select(Gen.OneOf(NonStarters).Array[1, 4], Gen.Int[20, 90], Gen.Int[0, 1_000_000])
            .Select((marks, length, seed) =>
            {
                var random = new Random(seed);
                var pool = marks.Append(0xFF9E).ToArray();
                return string.Concat(Enumerable.Range(0, length).Select(_ => char.ConvertFromUtf32(pool[random.Next(pool.Length)])));
            });

    private static readonly Gen<string> Text =
        Gen.OneOf(OneCharacter, OneCharacter, OneCharacter, OneCharacter, LongRun).Array[0, 12].Select(string.Concat);

    [Fact]
    public void Random_text_normalises_as_ICU_normalises_its_stream_safe_form()
    {
        output.WriteLine($"ICU {IcuNormalizer.Version}");
        Assert.Equal("\u00E9", IcuNormalizer.Nfc("e\u0301")); // the oracle itself works
        Text.Sample(text =>
        {
            var expected = IcuNormalizer.Nfc(IcuNormalizer.StreamSafe(text));
            var actual = UnicodeNfc.Normalize(text);
            Assert.True(expected == actual, $"input {Hex(text)}\n ICU {Hex(expected)}\n ours {Hex(actual)}");
        }, iter: 3_000);
    }

    [Fact]
    public void Normalising_twice_changes_nothing_and_no_run_of_marks_passes_thirty() =>
        Text.Sample(text =>
        {
            var once = UnicodeNfc.Normalize(text);
            Assert.Equal(once, UnicodeNfc.Normalize(once));
            Assert.Equal(once, IcuNormalizer.Nfc(once));
            Assert.True(LongestMarkRun(once) <= UnicodeNfc.MaxNonStarters);
        }, iter: 1_000);

    private static int LongestMarkRun(string s)
    {
        int longest = 0, run = 0;
        foreach (var r in s.EnumerateRunes())
        {
            run = IcuNormalizer.CombiningClass(r.Value) == 0 ? 0 : run + 1;
            longest = Math.Max(longest, run);
        }
        return longest;
    }

    // ---- the Stream-Safe Text Format ----

    [Fact]
    public void Thirty_marks_in_a_row_are_kept_and_a_grapheme_joiner_goes_before_the_31st()
    {
        var thirty = "a" + new string('\u0308', 30);
        Assert.Equal("\u00E4" + new string('\u0308', 29), UnicodeNfc.Normalize(thirty)); // the first mark still composes
        Assert.Equal("\u00E4" + new string('\u0308', 29) + "\u034F\u0308", UnicodeNfc.Normalize(thirty + "\u0308"));
        // 95 marks: joiners before the 31st, 61st and 91st.
        var runs = UnicodeNfc.Normalize("x" + new string('\u0301', 95)).Split('\u034F');
        Assert.Equal([31, 30, 30, 5], runs.Select(r => r.Length));
    }

    [Fact]
    public void Marks_are_ordered_within_each_stream_safe_run_not_across_a_joiner()
    {
        // 31 marks alternating class 230 (U+0301) and 220 (U+0316): the joiner before the 31st splits the run, and each
        // part is ordered on its own (220 before 230); the 31st stays after the joiner.
        var text = "x" + string.Concat(Enumerable.Range(0, 31).Select(i => i % 2 == 0 ? "\u0301" : "\u0316"));
        var expected = "x" + new string('\u0316', 15) + new string('\u0301', 15) + "\u034F\u0301";
        Assert.Equal(expected, UnicodeNfc.Normalize(text));
    }

    [Fact]
    public void Non_starters_are_counted_in_compatibility_decompositions_as_the_standard_says()
    {
        var marks = new string('\u0301', 30);
        // U+FF9E is a starter, but its compatibility decomposition U+3099 is a non-starter: it would be the 31st.
        Assert.Equal("x" + marks + "\u034F\uFF9E", UnicodeNfc.Normalize("x" + marks + "\uFF9E"));
        // U+00A8 DIAERESIS is U+0020 U+0308: it starts with a starter (no joiner before it) and leaves one non-starter,
        // so 29 marks after it fit and a 30th does not (U+0316, which composes with nothing).
        Assert.Equal("\u00A8" + new string('\u0316', 29), UnicodeNfc.Normalize("\u00A8" + new string('\u0316', 29)));
        Assert.Equal("\u00A8" + new string('\u0316', 29) + "\u034F\u0316", UnicodeNfc.Normalize("\u00A8" + new string('\u0316', 30)));
        // A starter resets the count.
        Assert.Equal("q" + marks + "q" + marks, UnicodeNfc.Normalize("q" + marks + "q" + marks)); // q composes with no mark
    }

    [Fact]
    public void Ordinary_text_is_not_changed_by_the_stream_safe_step()
    {
        foreach (var text in new[] { "Zalgo is rare: e\u0301\u0302\u0303\u0304", "\u0F40\u0FB2\u0F71\u0F80\u0F74", "\uD55C\uAE00 \u0928\u093F", "a\u0323\u0302\u0301" })
            Assert.DoesNotContain('\u034F', UnicodeNfc.Normalize(text));
    }

    // ---- the cost ----

    /// <summary>1 MiB of alternating combining marks, the upload that once took minutes (the insertion sort of one
    /// 524,288-mark run). Generous bound as a guard; the figure is printed.</summary>
    [Fact]
    public void A_mebibyte_of_alternating_combining_marks_normalises_in_well_under_a_second()
    {
        var content = AlternatingMarks(1 << 20);
        Assert.Equal(1 << 20, content.Length);
        ContentHashes.Compute(content); // warm up
        var sw = Stopwatch.StartNew();
        var digest = ContentHashes.Compute(content, out var normalized);
        var elapsed = sw.Elapsed;
        output.WriteLine($"1 MiB of alternating marks (524,287 marks): digest with normalisation {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
        Assert.NotEqual(digest.ContentHash, digest.NormalizedHash);
        Assert.Equal((524_287 - 1) / 30, normalized!.Count(c => c == '\u034F')); // a joiner before the 31st, 61st, ... mark
    }

    /// <summary>U+0301 (class 230) and U+0316 (class 220) alternating, as UTF-8 (2 bytes each), after one base letter.</summary>
    internal static byte[] AlternatingMarks(int bytes) =>
        Encoding.UTF8.GetBytes("a" + string.Concat(Enumerable.Range(0, (bytes - 1) / 2).Select(i => i % 2 == 0 ? "\u0301" : "\u0316")) + (bytes % 2 == 0 ? "b" : ""));

    [Fact]
    public void Canonical_ordering_of_a_long_run_is_stable_and_linear()
    {
        var random = new Random(17);
        foreach (var length in new[] { 2, 31, 32, 33, 1_000, 262_144 })
        {
            var classes = Enumerable.Range(0, length).Select(_ => (byte)(random.Next(1, 6) switch { 1 => 220, 2 => 230, 3 => 202, 4 => 1, _ => 240 })).ToArray();
            var cps = Enumerable.Range(0, length).ToArray(); // positions: stability is visible
            var expected = cps.Zip(classes).OrderBy(p => p.Second).ToArray(); // LINQ's OrderBy is stable
            var sw = Stopwatch.StartNew();
            CanonicalOrdering.Sort(cps, classes);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"{length} marks took {sw.Elapsed}");
            Assert.Equal(expected.Select(p => p.First), cps);
            Assert.Equal(expected.Select(p => p.Second), classes);
        }
    }
}
