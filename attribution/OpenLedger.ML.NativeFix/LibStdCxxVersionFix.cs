using OpenLedger.ML.NativeFix.Elf;

namespace OpenLedger.ML.NativeFix;

/// <summary>What a library needs from libstdc++ that the system's libstdc++ lacks, and whether that can be fixed.</summary>
public enum LibStdCxxFixStatus
{
    /// <summary>Every libstdc++ version the library needs is provided (or already marked weak with no symbol bound to it).</summary>
    Satisfied,
    /// <summary>Some needed versions are missing, but only marker symbols that nothing relocates use them: fixable.</summary>
    NeedsFix,
    /// <summary>Some needed version is missing and real code depends on it: the library cannot run on this system.</summary>
    Unfixable,
}

/// <summary>One version the library needs from libstdc++ and the system lacks.</summary>
/// <param name="Need">the <c>.gnu.version_r</c> record</param>
/// <param name="Symbols">the dynamic symbols bound to that version (by <c>.gnu.version</c>)</param>
/// <param name="Fixable">true when every such symbol is a known marker, imported, and referenced by no relocation</param>
public sealed record MissingVersion(ElfVersionNeed Need, IReadOnlyList<ElfDynamicSymbol> Symbols, bool Fixable);

public sealed record LibStdCxxAnalysis(LibStdCxxFixStatus Status, IReadOnlyList<MissingVersion> Missing)
{
    public string Describe() => Status switch
    {
        LibStdCxxFixStatus.Satisfied => "every libstdc++ version it needs is available",
        _ => string.Join("; ", Missing.Select(m =>
            $"needs {m.Need.Name} from {m.Need.File} for {string.Join(", ", m.Symbols.Select(s => s.Name))}" +
            (m.Fixable ? " (a marker symbol: fixable)" : " (used by code: not fixable)"))),
    };
}

/// <summary>
/// The fix for TorchSharp's <c>libLibTorchSharp.so</c> on systems whose libstdc++ is older than the one it was linked
/// against. GCC 13's <c>&lt;iostream&gt;</c> makes every object that includes it reference
/// <c>std::ios_base_library_init()</c> (<c>_ZSt21ios_base_library_initv</c>), an empty function whose only purpose is
/// to record a dependency on libstdc++'s <c>GLIBCXX_3.4.32</c>; no relocation refers to it, so the loader never looks
/// it up, but it still refuses the library because the version is missing. The fix is the one
/// <c>patchelf --clear-symbol-version</c> plus a weak requirement gives: the symbol's <c>.gnu.version</c> entry becomes
/// 1 (unversioned) and the version's <c>.gnu.version_r</c> record gets <c>VER_FLG_WEAK</c>. It is refused for any
/// missing version that a real (relocated, or non-marker) symbol needs.
/// </summary>
public static class LibStdCxxVersionFix
{
    public const string LibStdCxxSoname = "libstdc++.so.6";

    /// <summary>Symbols that exist only as version markers, never called through a relocation.</summary>
    public static readonly IReadOnlySet<string> MarkerSymbols = new HashSet<string>(StringComparer.Ordinal)
    {
        "_ZSt21ios_base_library_initv",
    };

    /// <summary>
    /// Compares what <paramref name="image"/> needs from libstdc++ with <paramref name="provided"/> (the version names the
    /// system's libstdc++ defines). With <paramref name="provided"/> null ("assume an old libstdc++"), every version that
    /// only marker symbols use counts as missing: the mode that patches whatever machine the library will run on.
    /// </summary>
    public static LibStdCxxAnalysis Analyze(ElfImage image, IReadOnlySet<string>? provided)
    {
        var needs = image.VersionNeeds().Where(n => n.File == LibStdCxxSoname).ToList();
        if (needs.Count == 0) return new LibStdCxxAnalysis(LibStdCxxFixStatus.Satisfied, []);
        var symbols = image.DynamicSymbols();
        var relocated = image.RelocatedDynamicSymbols();
        var byVersion = new Dictionary<ushort, List<ElfDynamicSymbol>>();
        foreach (var s in symbols)
        {
            if (s.Index == 0) continue;
            ushort v = (ushort)(image.GetVersym(s.Index) & ~ElfImage.VersymHidden);
            if (v <= ElfImage.VerNdxGlobal) continue;
            if (!byVersion.TryGetValue(v, out var list)) byVersion[v] = list = [];
            list.Add(s);
        }

        var missing = new List<MissingVersion>();
        foreach (var need in needs)
        {
            var bound = byVersion.GetValueOrDefault(need.VersionIndex) ?? [];
            bool fixable = bound.All(s => s.IsUndefined && MarkerSymbols.Contains(s.Name) && !relocated.Contains(s.Index));
            if (need.IsWeak && bound.Count == 0) continue;   // already fixed: a weak requirement nothing binds to
            bool isMissing = provided == null ? fixable && bound.Count > 0 : !provided.Contains(need.Name);
            if (!isMissing) continue;
            missing.Add(new MissingVersion(need, bound, fixable));
        }
        var status = missing.Count == 0 ? LibStdCxxFixStatus.Satisfied
            : missing.All(m => m.Fixable) ? LibStdCxxFixStatus.NeedsFix
            : LibStdCxxFixStatus.Unfixable;
        return new LibStdCxxAnalysis(status, missing);
    }

    /// <summary>Applies the fix for every missing version of a <see cref="LibStdCxxFixStatus.NeedsFix"/> analysis of the
    /// same image; returns the number of fields changed. Applying it to an already fixed image changes nothing.</summary>
    public static int Apply(ElfImage image, LibStdCxxAnalysis analysis)
    {
        if (analysis.Status == LibStdCxxFixStatus.Unfixable)
            throw new InvalidOperationException("not fixable: " + analysis.Describe());
        int changes = 0;
        foreach (var m in analysis.Missing)
        {
            foreach (var s in m.Symbols)
                if (image.GetVersym(s.Index) != ElfImage.VerNdxGlobal)
                {
                    image.SetVersym(s.Index, ElfImage.VerNdxGlobal);
                    changes++;
                }
            if (!m.Need.IsWeak)
            {
                image.SetVersionNeedFlags(m.Need, (ushort)(m.Need.Flags | ElfImage.VerFlgWeak));
                changes++;
            }
        }
        return changes;
    }

    /// <summary>True when the image carries this fix: some libstdc++ requirement is weak and no symbol is bound to it.</summary>
    public static bool IsFixed(ElfImage image, string version)
    {
        var need = image.VersionNeeds().FirstOrDefault(n => n.File == LibStdCxxSoname && n.Name == version);
        if (need == null || !need.IsWeak) return false;
        foreach (var s in image.DynamicSymbols())
            if (s.Index != 0 && (image.GetVersym(s.Index) & ~ElfImage.VersymHidden) == need.VersionIndex) return false;
        return true;
    }
}
