using OpenLedger.ML.NativeFix;
using OpenLedger.ML.NativeFix.Elf;
using TorchSharp;

namespace OpenLedger.ML.Runtime;

/// <summary>TorchSharp's native backend could not be loaded; the message says why and what to do.</summary>
public sealed class TorchRuntimeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What the loader will find for TorchSharp's native shim, and how it stands against this system's libstdc++.</summary>
/// <param name="ShimPath">the <c>libLibTorchSharp.so</c> the loader will use, or null when none is in the probing paths</param>
/// <param name="LibStdCxxPath">this process's libstdc++, or null when not found</param>
/// <param name="Analysis">what the shim needs that this libstdc++ lacks; null when either file is missing or unreadable</param>
/// <param name="Fixed">the shim carries the build's fix (GLIBCXX_3.4.32 weak, no symbol bound to it)</param>
public sealed record NativeShimReport(string? ShimPath, string? LibStdCxxPath, LibStdCxxAnalysis? Analysis, bool Fixed)
{
    public override string ToString() =>
        $"{ShimPath ?? "libLibTorchSharp.so (not found in the native probing paths)"}: " +
        (Analysis == null ? "not inspected" : Analysis.Describe()) + (Fixed ? " (carries the build's libstdc++ fix)" : "") +
        $"; libstdc++: {LibStdCxxPath ?? "not found"}";
}

/// <summary>
/// Loads TorchSharp's native backend (CPU) once per process. Call <see cref="EnsureLoaded"/> before the first use of
/// TorchSharp. On Linux it first checks the <c>libLibTorchSharp.so</c> the loader will use against this process's
/// libstdc++: the build fixes that copy when the system needs it (OpenLedger.ML.NativeFix.targets), and a copy that was
/// not fixed would otherwise fail deep inside TorchSharp (which then copies ~600 MB of libtorch into the app folder
/// trying other places) with a message that does not name the cause.
/// </summary>
public static class TorchRuntime
{
    public const string NativeShimFileName = "libLibTorchSharp.so";
    /// <summary>The libstdc++ version the shipped shim asks for only through a marker symbol.</summary>
    public const string MarkerVersion = "GLIBCXX_3.4.32";

    static readonly Lock Gate = new();
    static volatile bool _loaded;

    /// <summary>Loads and initialises the CPU backend (idempotent, thread-safe). Throws <see cref="TorchRuntimeException"/>
    /// naming the cause when it cannot.</summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            if (OperatingSystem.IsLinux())
            {
                NativeShimReport? report = null;
                try { report = InspectNativeShim(); }
                catch (Exception e) when (e is ElfFormatException or IOException or UnauthorizedAccessException) { }  // let TorchSharp try
                if (report?.Analysis is { Status: not LibStdCxxFixStatus.Satisfied } analysis)
                    throw new TorchRuntimeException(
                        $"TorchSharp's native shim {report.ShimPath} cannot load with {report.LibStdCxxPath}: {analysis.Describe()}. " +
                        (analysis.Status == LibStdCxxFixStatus.NeedsFix
                            ? "The build fixes the copy in the output folder (OpenLedger.ML.NativeFix.targets): rebuild this project, " +
                              "and check that OpenLedgerTorchNativeFix is not 'never' (publishing for another machine: set it to 'always')."
                            : "This system's libstdc++ is too old for this TorchSharp build."));
            }
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                using var probe = torch.ones(2);
                if (probe.sum().item<float>() != 2f) throw new TorchRuntimeException("TorchSharp loaded but computed a wrong sum");
            }
            catch (Exception e) when (e is not TorchRuntimeException)
            {
                throw new TorchRuntimeException($"TorchSharp's native backend did not load ({SafeInspect()}): {e.Message}", e);
            }
            _loaded = true;
        }
    }

    /// <summary>True once <see cref="EnsureLoaded"/> has succeeded in this process.</summary>
    public static bool IsLoaded => _loaded;

    /// <summary>The directories the .NET host searches for native libraries of this app, in order (from deps.json), then
    /// the app folder.</summary>
    public static IReadOnlyList<string> NativeSearchDirectories()
    {
        var dirs = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string list)
            dirs.AddRange(list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        dirs.Add(AppContext.BaseDirectory);
        dirs.Add(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"));
        return dirs;
    }

    /// <summary>The <c>libLibTorchSharp.so</c> the loader will find first, or null.</summary>
    public static string? FindNativeShim()
    {
        foreach (var dir in NativeSearchDirectories())
        {
            var path = Path.Combine(dir, NativeShimFileName);
            if (File.Exists(path)) return Path.GetFullPath(path);
        }
        return null;
    }

    /// <summary>Reads the shim the loader will use and this process's libstdc++ (Linux; a few milliseconds).</summary>
    public static NativeShimReport InspectNativeShim()
    {
        string? shim = FindNativeShim();
        string? libstdcxx = SystemLibStdCxx.FindPath();
        if (shim == null) return new NativeShimReport(null, libstdcxx, null, false);
        var image = ElfImage.Load(shim);
        bool isFixed = LibStdCxxVersionFix.IsFixed(image, MarkerVersion);
        if (libstdcxx == null) return new NativeShimReport(shim, null, null, isFixed);
        var analysis = LibStdCxxVersionFix.Analyze(image, SystemLibStdCxx.ProvidedVersions(libstdcxx));
        return new NativeShimReport(shim, libstdcxx, analysis, isFixed);
    }

    static string SafeInspect()
    {
        try { return InspectNativeShim().ToString(); }
        catch (Exception e) when (e is ElfFormatException or IOException or UnauthorizedAccessException) { return "native shim not inspected: " + e.Message; }
    }
}
