using System.Text;

namespace OpenLedger.Core.Content;

/// <summary>
/// Unicode Normalization Form C (canonical decomposition, canonical ordering, canonical composition; UAX #15) of the
/// text's Stream-Safe Text Format (UAX #15, section 13), implemented here on frozen character data
/// (<see cref="UnicodeNfcData"/>) rather than with <see cref="string.Normalize()"/>, for two reasons: the solution runs
/// with InvariantGlobalization, where <c>string.Normalize</c> silently returns its input unchanged; and the result feeds
/// a content hash that every node must compute identically, so it must not depend on the ICU version of the machine.
/// <para><b>Stream-safe.</b> Before the 31st non-starter in a row (counted in each character's compatibility
/// decomposition, as the standard says) a U+034F COMBINING GRAPHEME JOINER is inserted: the Stream-Safe Text Process,
/// exactly. Inserted rather than refused, because (1) it is the standard's own answer, so the normal form stays
/// "NFC of the stream-safe text" that any conforming library can reproduce; (2) no real writing system comes near 30
/// marks on one base (the standard's reason for the bound), so the normal form of every ordinary text, and every
/// normalized hash already recorded for one, is unchanged; (3) every valid UTF-8 content stays text with a normal form:
/// none becomes unacceptable or loses exact and near-duplicate detection. Only the normal form, which is hashed, gets
/// the joiners; the stored bytes are never changed. The bound also keeps the work linear: ordering is per run.</para>
/// </summary>
internal static class UnicodeNfc
{
    /// <summary>The most non-starters in a row that the Stream-Safe Text Format allows.</summary>
    public const int MaxNonStarters = 30;

    /// <summary>U+034F COMBINING GRAPHEME JOINER: a starter (class 0) that decomposes to itself and composes with
    /// nothing, so it ends a run of marks without changing how any of them renders.</summary>
    public const int GraphemeJoiner = 0x034F;

    // Hangul syllables compose and decompose by arithmetic (Unicode ch. 3.12), not by table.
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    /// <summary>No code point below U+0300 is a non-starter or composes with a preceding one, so text made only of them
    /// (ASCII, Latin-1) is already in NFC; and none has a non-starter in its decomposition that could follow a mark, so
    /// it is stream-safe too.</summary>
    private const char FirstNonTrivial = '\u0300';

    // Each code point's properties, in a two-stage table (one block of 256 per 256 code points that has any; the rest
    // share an empty block): the low 8 bits are the canonical combining class, the flags above them say which of the
    // dictionaries below to look in, so that most code points need no dictionary lookup at all.
    private const ushort HasDecomposition = 1 << 8, ComposesWithPrevious = 1 << 9, HasStreamSafeException = 1 << 10;
    private static readonly ushort[] BlockOf = new ushort[0x110000 >> 8];
    private static readonly List<ushort[]> Blocks = [new ushort[256]];

    private static readonly Dictionary<int, int[]> FullDecompositions = [];
    private static readonly Dictionary<long, int> Compositions = [];
    private static readonly Dictionary<int, (int Leading, int Trailing, bool NoStarter)> StreamSafeExceptions = [];

    static UnicodeNfc()
    {
        var r = UnicodeNfcData.CombiningClassRanges;
        for (int i = 0; i < r.Length; i += 3)
            for (var cp = (int)r[i]; cp <= (int)r[i + 1]; cp++) SetFlags(cp, (ushort)r[i + 2]);

        var oneStep = new Dictionary<int, (int First, int Second)>();
        var d = UnicodeNfcData.Decompositions;
        for (int i = 0; i < d.Length; i += 3)
        {
            var cp = (int)(d[i] & ~UnicodeNfcData.PrimaryCompositeFlag);
            oneStep[cp] = ((int)d[i + 1], (int)d[i + 2]);
            if ((d[i] & UnicodeNfcData.PrimaryCompositeFlag) == 0) continue;
            Compositions[PairKey((int)d[i + 1], (int)d[i + 2])] = cp;
            SetFlags((int)d[i + 2], ComposesWithPrevious);
        }
        foreach (var cp in oneStep.Keys)
        {
            var full = new List<int>(4);
            FullyDecompose(cp, oneStep, full);
            FullDecompositions[cp] = [.. full];
            SetFlags(cp, HasDecomposition);
        }
        for (var cp = VBase; cp < VBase + VCount; cp++) SetFlags(cp, ComposesWithPrevious); // L + V -> LV
        for (var cp = TBase + 1; cp < TBase + TCount; cp++) SetFlags(cp, ComposesWithPrevious); // LV + T -> LVT

        var s = UnicodeNfcData.StreamSafeExceptions;
        for (int i = 0; i < s.Length; i += 3)
        {
            var cp = (int)(s[i] & ~UnicodeNfcData.NoStarterFlag);
            StreamSafeExceptions[cp] = ((int)s[i + 1], (int)s[i + 2], (s[i] & UnicodeNfcData.NoStarterFlag) != 0);
            SetFlags(cp, HasStreamSafeException);
        }
    }

    private static void FullyDecompose(int cp, Dictionary<int, (int First, int Second)> oneStep, List<int> output)
    {
        if (!oneStep.TryGetValue(cp, out var d))
        {
            output.Add(cp);
            return;
        }
        FullyDecompose(d.First, oneStep, output);
        if (d.Second != 0) FullyDecompose(d.Second, oneStep, output);
    }

    private static void SetFlags(int cp, ushort flags)
    {
        if (BlockOf[cp >> 8] == 0)
        {
            BlockOf[cp >> 8] = (ushort)Blocks.Count;
            Blocks.Add(new ushort[256]);
        }
        Blocks[BlockOf[cp >> 8]][cp & 0xFF] |= flags;
    }

    private static ushort Properties(int cp) => Blocks[BlockOf[cp >> 8]][cp & 0xFF];

    private static long PairKey(int first, int second) => ((long)first << 21) | (uint)second;

    /// <summary>The NFC form of the Stream-Safe Text Format of <paramref name="text"/> (a well-formed string: no lone
    /// surrogates). Linear in the length of the text.</summary>
    public static string Normalize(string text)
    {
        if (IsTrivial(text)) return text;
        var buffer = new CodePoints(text.Length + 16);
        DecomposeStreamSafe(text, buffer);
        OrderCanonically(buffer);
        Compose(buffer);
        return buffer.ToUtf16();
    }

    private static bool IsTrivial(string text)
    {
        foreach (var c in text) if (c >= FirstNonTrivial) return false;
        return true;
    }

    /// <summary>The full canonical decomposition of each code point, with a grapheme joiner wherever the Stream-Safe
    /// Text Process inserts one (before the code point whose leading non-starters would make the run longer than
    /// <see cref="MaxNonStarters"/>).</summary>
    private static void DecomposeStreamSafe(string text, CodePoints buffer)
    {
        int run = 0; // non-starters in a row so far
        foreach (var rune in text.EnumerateRunes())
        {
            var cp = rune.Value;
            var props = Properties(cp);
            var start = buffer.Count;
            AppendDecomposition(cp, props, buffer);
            var (leading, trailing, noStarter) = (props & HasStreamSafeException) != 0 ? StreamSafeExceptions[cp] : NonStarters(buffer, start);
            if (run + leading > MaxNonStarters)
            {
                buffer.Insert(start, GraphemeJoiner, 0);
                run = 0;
            }
            run = noStarter ? run + leading : trailing;
        }
    }

    private static void AppendDecomposition(int cp, ushort props, CodePoints buffer)
    {
        var s = cp - SBase;
        if ((uint)s < SCount)
        {
            buffer.Add(LBase + s / NCount, 0);
            buffer.Add(VBase + s % NCount / TCount, 0);
            if (s % TCount != 0) buffer.Add(TBase + s % TCount, 0);
            return;
        }
        if ((props & HasDecomposition) == 0)
        {
            buffer.Add(cp, (byte)props);
            return;
        }
        foreach (var part in FullDecompositions[cp]) buffer.Add(part, (byte)Properties(part));
    }

    /// <summary>The leading and trailing non-starters of the decomposition just appended from <paramref name="start"/>,
    /// and whether it is non-starters only.</summary>
    private static (int Leading, int Trailing, bool NoStarter) NonStarters(CodePoints buffer, int start)
    {
        var classes = buffer.Classes;
        int end = buffer.Count, leading = 0, trailing = 0;
        while (start + leading < end && classes[start + leading] != 0) leading++;
        if (start + leading == end) return (leading, leading, true);
        while (classes[end - 1 - trailing] != 0) trailing++;
        return (leading, trailing, false);
    }

    /// <summary>Canonical ordering: each run of non-starters sorted by combining class, stably.</summary>
    private static void OrderCanonically(CodePoints buffer)
    {
        var classes = buffer.Classes;
        for (int i = 0; i < buffer.Count;)
        {
            if (classes[i] == 0) { i++; continue; }
            int end = i + 1;
            while (end < buffer.Count && classes[end] != 0) end++;
            if (end - i > 1) CanonicalOrdering.Sort(buffer.Values.AsSpan(i, end - i), classes.AsSpan(i, end - i));
            i = end;
        }
    }

    /// <summary>Canonical composition: each character that is not blocked from the last starter and forms a primary
    /// composite with it replaces that starter.</summary>
    private static void Compose(CodePoints buffer)
    {
        if (buffer.Count == 0) return;
        var (cps, classes) = (buffer.Values, buffer.Classes);
        int starterPos = 0, starter = cps[0];
        // A text that starts with a non-starter has no starter to compose with until the next one: 256 is above every
        // class, so nothing composes until a starter resets it.
        int lastClass = classes[0] == 0 ? 0 : 256;
        int write = 1;
        for (int read = 1; read < buffer.Count; read++)
        {
            var (cp, cc) = (cps[read], classes[read]);
            // Not blocked: nothing between the starter and cp, or everything between has a lower class than cp.
            if ((lastClass < cc || lastClass == 0) && (Properties(cp) & ComposesWithPrevious) != 0 && TryCompose(starter, cp, out var composite))
            {
                cps[starterPos] = starter = composite;
                continue;
            }
            if (cc == 0)
            {
                starterPos = write;
                starter = cp;
            }
            lastClass = cc;
            cps[write] = cp;
            classes[write++] = cc;
        }
        buffer.Count = write;
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        var l = first - LBase;
        if ((uint)l < LCount)
        {
            var v = second - VBase;
            composite = SBase + (l * VCount + v) * TCount;
            return (uint)v < VCount;
        }
        var s = first - SBase;
        if ((uint)s < SCount && s % TCount == 0)
        {
            var t = second - TBase;
            composite = first + t;
            return t > 0 && t < TCount;
        }
        return Compositions.TryGetValue(PairKey(first, second), out composite);
    }

    /// <summary>A growable list of code points with their combining classes side by side.</summary>
    private sealed class CodePoints(int capacity)
    {
        public int[] Values = new int[capacity];
        public byte[] Classes = new byte[capacity];
        public int Count;

        public void Add(int cp, byte cc)
        {
            if (Count == Values.Length) Grow();
            Values[Count] = cp;
            Classes[Count++] = cc;
        }

        public void Insert(int at, int cp, byte cc)
        {
            if (Count == Values.Length) Grow();
            Array.Copy(Values, at, Values, at + 1, Count - at);
            Array.Copy(Classes, at, Classes, at + 1, Count - at);
            Values[at] = cp;
            Classes[at] = cc;
            Count++;
        }

        private void Grow()
        {
            Array.Resize(ref Values, Values.Length * 2);
            Array.Resize(ref Classes, Classes.Length * 2);
        }

        public string ToUtf16()
        {
            var sb = new StringBuilder(Count + Count / 8);
            for (int i = 0; i < Count; i++) sb.Append(new Rune(Values[i]));
            return sb.ToString();
        }
    }
}
