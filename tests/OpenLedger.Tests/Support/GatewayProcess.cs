using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OpenLedger.Tests.Crash;

namespace OpenLedger.Tests.Support;

/// <summary>The standalone GraphQL gateway (`dotnet openledger.dll gateway`) as a separate OS process: an Orleans client
/// of the silos it finds in the PostgreSQL membership table, serving GraphQL on a free loopback port. Modelled on
/// <see cref="NodeProcess"/>: its output is kept for a failing test, <see cref="Kill"/> is SIGKILL.</summary>
public sealed class GatewayProcess : IDisposable
{
    public const string ReadyLine = "openledger gateway ready";

    private readonly IReadOnlyList<string> _arguments;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Process? _process;

    public int HttpPort { get; }

    /// <summary>The gateway's GraphQL endpoint over HTTP.</summary>
    public Uri GraphQL => new($"http://127.0.0.1:{HttpPort}/graphql");

    /// <summary>The same endpoint for WebSocket subscriptions (graphql-transport-ws).</summary>
    public Uri GraphQLWebSocketUrl => new($"ws://127.0.0.1:{HttpPort}/graphql");

    /// <param name="postgres">The cluster's PostgreSQL (membership table).</param>
    /// <param name="dataDirectory">The gateway's own directory (its operator token).</param>
    /// <param name="clusterCertificate">The silos' cluster certificate file (mutual TLS on the Orleans ports).</param>
    public GatewayProcess(string postgres, string dataDirectory, string clusterCertificate)
    {
        HttpPort = FreePort();
        Directory.CreateDirectory(dataDirectory);
        _arguments = ["gateway", "--postgres", postgres, "--data-dir", dataDirectory, "--cluster-cert", clusterCertificate,
            "--http-port", HttpPort.ToString(CultureInfo.InvariantCulture)];
    }

    /// <summary>Starts the gateway and returns once it prints <see cref="ReadyLine"/>; throws with its output if it exits or times out first.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("the gateway is already running");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add(NodeProcess.ExecutablePath);
        foreach (var a in _arguments) psi.ArgumentList.Add(a);
        // Only the command line configures it (as NodeProcess does for the silos).
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OPENLEDGER_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Log("out", e.Data);
            if (e.Data.Contains(ReadyLine, StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log("err", e.Data); };
        process.Exited += (_, _) => exited.TrySetResult();
        if (!process.Start()) throw new InvalidOperationException("the gateway process did not start");
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(ready.Task, exited.Task, Task.Delay(timeout));
        if (first == ready.Task) return;
        if (first == exited.Task)
        {
            process.WaitForExit();
            throw new InvalidOperationException($"the gateway exited with code {process.ExitCode} before it was ready\n{Tail()}");
        }
        Kill();
        throw new TimeoutException($"the gateway did not print '{ReadyLine}' within {timeout.TotalSeconds:0} s\n{Tail()}");
    }

    /// <summary>SIGKILL the gateway and wait until the OS has reaped it.</summary>
    public void Kill()
    {
        var p = _process;
        if (p is null) return;
        _process = null;
        try
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            if (p.WaitForExit(10_000)) p.WaitForExit();
        }
        catch (InvalidOperationException) { }
        finally { p.Dispose(); }
    }

    private void Log(string stream, string line) => _output.Enqueue($"{_clock.Elapsed.TotalSeconds,8:0.000} [gateway {stream}] {line}");

    /// <summary>The gateway's last <paramref name="maxLines"/> lines of output.</summary>
    public string Tail(int maxLines = 200)
    {
        var lines = _output.ToArray();
        return "--- gateway output ---\n" + string.Join('\n', lines.Skip(Math.Max(0, lines.Length - maxLines))) + "\n--- end of gateway output ---";
    }

    public void Dispose() => Kill();

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
