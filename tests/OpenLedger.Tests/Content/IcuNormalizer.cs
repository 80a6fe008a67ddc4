using System.Runtime.InteropServices;
using System.Text;

namespace OpenLedger.Tests.Content;

/// <summary>
/// ICU's normalizer, called directly in the machine's libicuuc: an independent implementation to check ours against.
/// <c>string.Normalize</c> would be the same ICU, but the solution runs with InvariantGlobalization, where it returns
/// its input unchanged (checked on .NET 10). Debian 12's ICU 72 implements Unicode 15.0; by Unicode's normalization
/// stability policy its results equal Unicode 14.0's (our data) for text of characters assigned in 14.0.
/// </summary>
internal static class IcuNormalizer
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GetInstance(ref int error);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int NormalizeText(IntPtr normalizer, [In] ushort[] source, int length, [Out] ushort[] destination, int capacity, ref int error);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate byte GetCombiningClass(int codePoint);

    private static readonly Lazy<Api> Loaded = new(Load);

    private sealed record Api(IntPtr Nfc, IntPtr Nfkd, NormalizeText Normalize, GetCombiningClass CombiningClass, int Version);

    /// <summary>ICU's major version (72 on Debian 12).</summary>
    public static int Version => Loaded.Value.Version;

    public static string Nfc(string s) => Run(Loaded.Value.Nfc, s);

    public static string Nfkd(string s) => Run(Loaded.Value.Nfkd, s);

    public static int CombiningClass(int codePoint) => Loaded.Value.CombiningClass(codePoint);

    /// <summary>UAX #15's Stream-Safe Text Process, written from the standard's text with ICU's NFKD and combining
    /// classes: before a character, a U+034F if the run of non-starters would pass 30.</summary>
    public static string StreamSafe(string s)
    {
        var output = new StringBuilder(s.Length);
        int run = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            var classes = Nfkd(rune.ToString()).EnumerateRunes().Select(r => CombiningClass(r.Value)).ToList();
            var leading = classes.TakeWhile(c => c != 0).Count();
            if (run + leading > 30)
            {
                output.Append('\u034F');
                run = 0;
            }
            output.Append(rune.ToString());
            run = leading == classes.Count ? run + classes.Count : classes.AsEnumerable().Reverse().TakeWhile(c => c != 0).Count();
        }
        return output.ToString();
    }

    private static string Run(IntPtr normalizer, string s)
    {
        var api = Loaded.Value;
        var source = s.Select(c => (ushort)c).ToArray();
        var destination = new ushort[s.Length * 4 + 16];
        var error = 0;
        var length = api.Normalize(normalizer, source, source.Length, destination, destination.Length, ref error);
        if (error > 0) throw new InvalidOperationException($"ICU unorm2_normalize failed with UErrorCode {error}");
        return new string(destination.Take(length).Select(u => (char)u).ToArray());
    }

    private static Api Load()
    {
        for (int version = 90; version >= 50; version--)
        {
            if (!NativeLibrary.TryLoad($"libicuuc.so.{version}", out var lib)) continue;
            // ICU renames its symbols with the major version unless it was built without renaming.
            foreach (var suffix in new[] { $"_{version}", "" })
            {
                if (!NativeLibrary.TryGetExport(lib, "unorm2_getNFCInstance" + suffix, out var nfc)) continue;
                T Export<T>(string name) where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(lib, name + suffix));
                var error = 0;
                var nfcInstance = Marshal.GetDelegateForFunctionPointer<GetInstance>(nfc)(ref error);
                var nfkdInstance = Export<GetInstance>("unorm2_getNFKDInstance")(ref error);
                if (error > 0) throw new InvalidOperationException($"ICU {version}: getting the normalizers failed with UErrorCode {error}");
                return new Api(nfcInstance, nfkdInstance, Export<NormalizeText>("unorm2_normalize"), Export<GetCombiningClass>("u_getCombiningClass"), version);
            }
        }
        throw new InvalidOperationException("ICU's libicuuc.so is not on this machine (Debian: apt-get install libicu72); the NFC property tests check against it");
    }
}
