using OpenLedger.ML.NativeFix;
using OpenLedger.ML.NativeFix.Elf;

// The build step that makes TorchSharp's native shim load on systems with an older libstdc++ (Debian 12: GCC 12).
// Run by OpenLedger.ML.NativeFix.targets for every project whose output gets libLibTorchSharp.so:
//
//   patch --source <package's libLibTorchSharp.so> --dest <file> [--mode auto|always] [--libstdcxx <path>]
//       auto: compare with this system's libstdc++; write a fixed copy to --dest only when the library needs it.
//       always: write a fixed copy whatever this system has (for publishing to another machine).
//       Prints one line, "openledger-torch-native: patched" or "openledger-torch-native: not-needed" (and then
//       deletes a stale --dest). --dest is rewritten only when its bytes would change, so incremental copies skip it.
//   inspect <file> [--libstdcxx <path>]
//       Prints what the library needs from libstdc++ and whether it is fixed.
//
// Errors print in MSBuild's canonical form so that a build shows them as errors; exit code 1.

const string Tag = "openledger-torch-native";
try
{
    if (args.Length == 0) return Usage();
    var options = ParseOptions(args.Skip(1).ToArray(), out var positional);
    string? libstdcxx = options.GetValueOrDefault("libstdcxx");
    switch (args[0])
    {
        case "patch":
        {
            string source = options.GetValueOrDefault("source") ?? throw new ArgumentException("--source is required");
            string dest = options.GetValueOrDefault("dest") ?? throw new ArgumentException("--dest is required");
            string mode = options.GetValueOrDefault("mode") ?? "auto";
            if (mode is not ("auto" or "always")) throw new ArgumentException($"--mode must be auto or always, not '{mode}'");
            var image = ElfImage.Load(source);
            if (!image.IsX86_64SharedObject)
            {
                Console.WriteLine($"{Tag}: not-needed ({source} is not an x86-64 shared object)");
                DeleteIfExists(dest);
                return 0;
            }
            IReadOnlySet<string>? provided = null;
            if (mode == "auto")
            {
                libstdcxx ??= SystemLibStdCxx.FindPath();
                // No libstdc++ found to compare with: fix anyway (the fixed library loads on every system).
                if (libstdcxx != null) provided = SystemLibStdCxx.ProvidedVersions(libstdcxx);
            }
            var analysis = LibStdCxxVersionFix.Analyze(image, provided);
            if (analysis.Status == LibStdCxxFixStatus.Unfixable)
                return Error($"{source} cannot run with {libstdcxx ?? "this system's libstdc++"}: {analysis.Describe()}");
            if (analysis.Status == LibStdCxxFixStatus.Satisfied)
            {
                Console.WriteLine($"{Tag}: not-needed ({libstdcxx ?? "libstdc++"} provides every version it needs)");
                DeleteIfExists(dest);
                return 0;
            }
            LibStdCxxVersionFix.Apply(image, analysis);
            var check = LibStdCxxVersionFix.Analyze(ElfImage.Parse(image.Bytes), provided);
            if (check.Status != LibStdCxxFixStatus.Satisfied) return Error($"the fix did not take: {check.Describe()}");
            WriteIfChanged(dest, image.Bytes, source);
            Console.WriteLine($"{Tag}: patched ({analysis.Describe()}) -> {dest}");
            return 0;
        }
        case "inspect":
        {
            if (positional.Count != 1) return Usage();
            var image = ElfImage.Load(positional[0]);
            libstdcxx ??= SystemLibStdCxx.FindPath();
            var provided = libstdcxx != null ? SystemLibStdCxx.ProvidedVersions(libstdcxx) : null;
            Console.WriteLine($"file: {positional[0]}");
            Console.WriteLine($"system libstdc++: {libstdcxx ?? "(not found)"}");
            foreach (var need in image.VersionNeeds().Where(n => n.File == LibStdCxxVersionFix.LibStdCxxSoname))
                Console.WriteLine($"  needs {need.Name,-16} index {need.VersionIndex,3}{(need.IsWeak ? " weak" : "")}" +
                    (provided == null ? "" : provided.Contains(need.Name) ? "" : "  (missing here)"));
            Console.WriteLine($"against this system: {LibStdCxxVersionFix.Analyze(image, provided).Describe()}");
            Console.WriteLine($"GLIBCXX_3.4.32 fixed: {LibStdCxxVersionFix.IsFixed(image, "GLIBCXX_3.4.32")}");
            return 0;
        }
        default:
            return Usage();
    }
}
catch (Exception e) when (e is ElfFormatException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
{
    return Error(e.Message);
}

static int Usage()
{
    Console.Error.WriteLine("usage: OpenLedger.ML.NativeFix patch --source FILE --dest FILE [--mode auto|always] [--libstdcxx FILE]");
    Console.Error.WriteLine("       OpenLedger.ML.NativeFix inspect FILE [--libstdcxx FILE]");
    return 2;
}

static int Error(string message)
{
    // Canonical error format: MSBuild's Exec task logs this line as a build error.
    Console.Error.WriteLine($"OpenLedger.ML.NativeFix : error OLNATIVE1: {message}");
    return 1;
}

static Dictionary<string, string> ParseOptions(string[] args, out List<string> positional)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    positional = [];
    for (int i = 0; i < args.Length; i++)
    {
        if (args[i].StartsWith("--", StringComparison.Ordinal))
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value");
            options[args[i][2..]] = args[++i];
        }
        else positional.Add(args[i]);
    }
    return options;
}

static void DeleteIfExists(string path)
{
    if (File.Exists(path)) File.Delete(path);
}

// Writes through a temporary file and a rename: a reader (or a hard link made by a copy) never sees a half-written
// file, two builds racing on the same path both leave a complete one, and the package's own file is never touched.
static void WriteIfChanged(string path, byte[] bytes, string modeFrom)
{
    if (File.Exists(path) && new FileInfo(path).Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)) return;
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    string temp = $"{path}.{Environment.ProcessId}.tmp";
    File.WriteAllBytes(temp, bytes);
    if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, File.GetUnixFileMode(modeFrom));
    File.Move(temp, path, overwrite: true);
}
