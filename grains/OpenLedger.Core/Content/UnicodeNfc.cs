using System.Text;

namespace OpenLedger.Core.Content;

/// <summary>
/// Unicode Normalization Form C (canonical decomposition, canonical ordering, canonical composition; UAX #15),
/// implemented here on frozen character data (<see cref="UnicodeNfcData"/>) rather than with
/// <see cref="string.Normalize()"/>, for two reasons: the solution runs with InvariantGlobalization, where
/// <c>string.Normalize</c> silently returns its input unchanged; and the result feeds a content hash that every node
/// must compute identically, so it must not depend on the ICU version of the machine.
/// </summary>
internal static class UnicodeNfc
{
    // Hangul syllables compose and decompose by arithmetic (Unicode ch. 3.12), not by table.
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    /// <summary>No code point below U+0300 has a non-zero combining class or composes with a preceding one, so text made
    /// only of them (ASCII, Latin-1) is already in NFC.</summary>
    private const char FirstNonTrivial = '\u0300';

    private static readonly Dictionary<int, byte> CombiningClasses = BuildCombiningClasses();
    private static readonly Dictionary<int, (int First, int Second)> Decompositions = new();
    private static readonly Dictionary<long, int> Compositions = new();

    static UnicodeNfc()
    {
        var d = UnicodeNfcData.Decompositions;
        for (int i = 0; i < d.Length; i += 3)
        {
            var cp = (int)(d[i] & ~UnicodeNfcData.PrimaryCompositeFlag);
            Decompositions[cp] = ((int)d[i + 1], (int)d[i + 2]);
            if ((d[i] & UnicodeNfcData.PrimaryCompositeFlag) != 0) Compositions[PairKey((int)d[i + 1], (int)d[i + 2])] = cp;
        }
    }

    private static Dictionary<int, byte> BuildCombiningClasses()
    {
        var map = new Dictionary<int, byte>();
        var r = UnicodeNfcData.CombiningClassRanges;
        for (int i = 0; i < r.Length; i += 3)
            for (var cp = r[i]; cp <= r[i + 1]; cp++) map[(int)cp] = (byte)r[i + 2];
        return map;
    }

    private static long PairKey(int first, int second) => ((long)first << 21) | (uint)second;

    private static int CombiningClass(int cp) => cp < FirstNonTrivial ? 0 : CombiningClasses.GetValueOrDefault(cp);

    /// <summary>The NFC form of <paramref name="text"/> (a well-formed string: no lone surrogates).</summary>
    public static string Normalize(string text)
    {
        if (IsTrivial(text)) return text;

        var cps = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, cps);
        SortCombiningMarks(cps);
        Compose(cps);

        var sb = new StringBuilder(text.Length);
        foreach (var cp in cps) sb.Append(new Rune(cp));
        return sb.ToString();
    }

    private static bool IsTrivial(string text)
    {
        foreach (var c in text) if (c >= FirstNonTrivial) return false;
        return true;
    }

    /// <summary>Appends the full canonical decomposition of <paramref name="cp"/>.</summary>
    private static void Decompose(int cp, List<int> output)
    {
        var s = cp - SBase;
        if ((uint)s < SCount)
        {
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) output.Add(TBase + s % TCount);
            return;
        }
        if (cp >= FirstNonTrivial && Decompositions.TryGetValue(cp, out var d))
        {
            Decompose(d.First, output);
            if (d.Second != 0) Decompose(d.Second, output);
            return;
        }
        output.Add(cp);
    }

    /// <summary>Canonical ordering: within each run of non-starters, a stable sort by combining class.</summary>
    private static void SortCombiningMarks(List<int> cps)
    {
        for (int i = 1; i < cps.Count; i++)
        {
            var cp = cps[i];
            var cc = CombiningClass(cp);
            if (cc == 0) continue;
            int j = i;
            while (j > 0 && CombiningClass(cps[j - 1]) > cc)
            {
                cps[j] = cps[j - 1];
                j--;
            }
            cps[j] = cp;
        }
    }

    /// <summary>Canonical composition: each character that is not blocked from the last starter and forms a primary
    /// composite with it replaces that starter.</summary>
    private static void Compose(List<int> cps)
    {
        if (cps.Count == 0) return;
        int starterPos = 0, starter = cps[0];
        // A text that starts with a non-starter has no starter to compose with until the next one: 256 is above every
        // class, so nothing composes until a starter resets it.
        int lastClass = CombiningClass(starter) == 0 ? 0 : 256;
        int write = 1;
        for (int read = 1; read < cps.Count; read++)
        {
            var cp = cps[read];
            var cc = CombiningClass(cp);
            // Not blocked: nothing between the starter and cp, or everything between has a lower class than cp.
            if ((lastClass < cc || lastClass == 0) && TryCompose(starter, cp, out var composite))
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
            cps[write++] = cp;
        }
        cps.RemoveRange(write, cps.Count - write);
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
}
