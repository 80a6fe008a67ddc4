using System.Runtime.InteropServices;
using OpenLedger.ML.NativeFix.Elf;

namespace OpenLedger.ML.NativeFix;

/// <summary>The libstdc++ this process runs with, and the symbol versions it defines.</summary>
public static class SystemLibStdCxx
{
    /// <summary>
    /// The path of the libstdc++ the dynamic loader gives this process (the .NET host links it, so it is normally
    /// mapped already; otherwise it is loaded by its soname), read from <c>/proc/self/maps</c>; null when not found
    /// (not Linux, or no libstdc++).
    /// </summary>
    public static string? FindPath()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var path = FromMaps();
        if (path != null) return path;
        if (!NativeLibrary.TryLoad(LibStdCxxVersionFix.LibStdCxxSoname, out _)) return null;
        return FromMaps();
    }

    static string? FromMaps()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                var path = line[slash..].Trim();
                if (Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal) && File.Exists(path)) return path;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>The version names (e.g. <c>GLIBCXX_3.4.30</c>) that the libstdc++ at <paramref name="path"/> defines.</summary>
    public static IReadOnlySet<string> ProvidedVersions(string path) =>
        ElfImage.Load(path).VersionDefinitions().Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
}
