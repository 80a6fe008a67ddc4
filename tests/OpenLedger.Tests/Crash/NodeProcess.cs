using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OpenLedger.Silo.Configuration;
using OpenLedger.Storage;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Crash;

/// <summary>The real node executable (`dotnet openledger.dll run`) as a separate OS process on a data directory and
/// two free ports. Its stdout and stderr are kept (across restarts) so a failing test can show what the node said.
/// <see cref="Kill"/> is SIGKILL: no shutdown code runs, exactly as when a machine loses power or the OOM killer strikes.</summary>
public sealed class NodeProcess : IDisposable
{
    public const string ReadyLine = "openledger node ready";

    private readonly IReadOnlyList<string> _extraArguments;
    private readonly string? _baseModel;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Process? _process;
    private int _generation;

    public string DataDirectory { get; }
    public string GenesisPath { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public int HttpPort { get; }
    public int Starts => _generation;
    public bool IsRunning => _process is { HasExited: false };

    /// <param name="extraArguments">More `run` options (after the data directory, genesis and ports).</param>
    /// <param name="baseModel">The <c>--base-model</c> an ML silo serves: the small test model unless a test asks for
    /// another; null gives none, so the node chooses as a user's would (its data directory's, else the default).</param>
    public NodeProcess(string dataDirectory, string genesisPath, IReadOnlyList<string>? extraArguments = null, string? baseModel = TestBaseModel.Recipe)
    {
        DataDirectory = dataDirectory;
        _extraArguments = extraArguments ?? [];
        _baseModel = baseModel;
        GenesisPath = genesisPath;
        (SiloPort, GatewayPort) = (FreePort(), FreePort());
        while (GatewayPort == SiloPort) GatewayPort = FreePort();
        HttpPort = FreePort();
        while (HttpPort == SiloPort || HttpPort == GatewayPort) HttpPort = FreePort();
    }

    /// <summary>The settings a client (or a reader of the store) uses to reach this node.</summary>
    public NodeSettings Settings => new(
        StorageBackend.Sqlite, $"Data Source={Path.Combine(DataDirectory, "openledger.db")};Pooling=True;Default Timeout=30",
        DataDirectory, GenesisPath, SiloPort, GatewayPort, ProducerKeyHex: null, ProduceEmptyBlocks: false, MempoolCapacity: 200_000, HttpPort: HttpPort);

    /// <summary>The node's executable as the test project's build output holds it (the test project references the silo project).</summary>
    public static string ExecutablePath
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "openledger.dll");
            var runtimeConfig = Path.Combine(AppContext.BaseDirectory, "openledger.runtimeconfig.json");
            if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: the test project must reference silo/OpenLedger.Silo");
            if (!File.Exists(runtimeConfig)) throw new InvalidOperationException($"{runtimeConfig} is missing: `dotnet openledger.dll` cannot start without it");
            return dll;
        }
    }

    /// <summary>Starts the node and returns once it prints <see cref="ReadyLine"/>; throws with its output if it exits or times out first.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        if (IsRunning) throw new InvalidOperationException("the node is already running");
        var generation = ++_generation;
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(DataDirectory)!,
        };
        foreach (var a in new[] { ExecutablePath, "run", "--data-dir", DataDirectory, "--genesis", GenesisPath,
                     "--silo-port", SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--gateway-port", GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--http-port", HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                     .Concat(_baseModel is null ? [] : ["--base-model", _baseModel]).Concat(_extraArguments))
            psi.ArgumentList.Add(a);
        // The node reads OPENLEDGER_* from its environment (e.g. OPENLEDGER_POSTGRES): only the command line may configure it here.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OPENLEDGER_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Log(generation, "out", e.Data);
            if (e.Data.Contains(ReadyLine, StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log(generation, "err", e.Data); };
        process.Exited += (_, _) => exited.TrySetResult();
        Note($"starting node #{generation}: {psi.FileName} {string.Join(' ', psi.ArgumentList)}");
        if (!process.Start()) throw new InvalidOperationException("the node process did not start");
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var started = Stopwatch.StartNew();
        var first = await Task.WhenAny(ready.Task, exited.Task, Task.Delay(timeout));
        if (first == ready.Task)
        {
            Note($"node #{generation} (pid {process.Id}) ready after {started.ElapsedMilliseconds} ms");
            return;
        }
        if (first == exited.Task)
        {
            process.WaitForExit(); // drains the redirected streams
            throw new InvalidOperationException($"node #{generation} exited with code {process.ExitCode} before it was ready\n{Output}");
        }
        Kill();
        throw new TimeoutException($"node #{generation} did not print '{ReadyLine}' within {timeout.TotalSeconds:0} s\n{Output}");
    }

    /// <summary>SIGKILL the node (and anything it started) and wait until the OS has reaped it.</summary>
    public void Kill()
    {
        var p = _process;
        if (p is null) return;
        _process = null;
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                Note($"SIGKILL node #{_generation} (pid {p.Id})");
            }
            if (!p.WaitForExit(10_000)) Note($"node #{_generation} (pid {p.Id}) had not exited 10 s after SIGKILL");
            else p.WaitForExit(); // let the output readers finish
        }
        catch (InvalidOperationException) { } // it was never started or is already gone
        finally { p.Dispose(); }
    }

    /// <summary>Adds a line of the test's own narrative to the log, so the node's output reads in context.</summary>
    public void Note(string line) => _output.Enqueue($"{_clock.Elapsed.TotalSeconds,8:0.000} [test] {line}");

    private void Log(int generation, string stream, string line) =>
        _output.Enqueue($"{_clock.Elapsed.TotalSeconds,8:0.000} [node#{generation} {stream}] {line}");

    /// <summary>Everything the node printed (all starts) interleaved with the test's notes; the last <paramref name="maxLines"/> lines.</summary>
    public string Tail(int maxLines = 300)
    {
        var lines = _output.ToArray();
        var skipped = Math.Max(0, lines.Length - maxLines);
        var header = skipped > 0 ? $"--- node output (last {maxLines} of {lines.Length} lines) ---\n" : "--- node output ---\n";
        return header + string.Join('\n', lines.Skip(skipped)) + "\n--- end of node output ---";
    }

    public string Output => Tail();

    /// <summary>Every line so far (node output and test notes), in order.</summary>
    public IReadOnlyList<string> Lines => _output.ToArray();

    public void Dispose() => Kill();

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>The running node's OS process id (the cluster tests match it to the producer's holder row), or null.</summary>
    public int? ProcessId => _process?.Id;
}
