using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OpenLedger.Silo.Cli;
using OpenLedger.Tests.Architecture;
using OpenLedger.Tests.Roles;

namespace OpenLedger.Tests.Deploy;

/// <summary>
/// deploy/local-cluster.sh as an operator runs it: `up` starts its own PostgreSQL (as an unprivileged user), two core
/// silos, an ML silo and a separate gateway on loopback and says when they are ready; a signed transfer goes through the
/// gateway's GraphQL with the CLI; `stop` from another shell stops them all (SIGTERM, then the server), `up` returns,
/// and no process of the cluster is left (the node build is the test's own output folder: --app).
/// </summary>
public sealed class LocalClusterScriptTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "openledger-local-cluster-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _up;

    private string ClusterDirectory => Path.Combine(_root, "cluster");
    private static string Script => Path.Combine(DeployYaml.Directory, "local-cluster.sh");

    [Fact]
    public async Task Up_serves_a_transfer_through_the_gateway_and_stop_leaves_no_process_behind()
    {
        Directory.CreateDirectory(_root);
        var basePort = FreeBasePort();
        var clock = Stopwatch.StartNew();
        _up = Start(["up", "--base-port", $"{basePort}", "--dir", ClusterDirectory, "--app", AppContext.BaseDirectory.TrimEnd('/')]);
        await Support.Poll.UntilAsync(() => _output.Any(l => l.Contains("local cluster ready", StringComparison.Ordinal)) || _up.HasExited,
            "local-cluster.sh up to say the cluster is ready", Output, TimeSpan.FromSeconds(420));
        Assert.False(_up.HasExited, Output());
        var ready = clock.Elapsed;
        var graphql = $"http://127.0.0.1:{basePort + 30}/graphql";
        Assert.Contains(_output, l => l.Contains(graphql, StringComparison.Ordinal));

        var (status, statusSaid) = await RunAsync(["status", "--dir", ClusterDirectory]);
        Assert.Equal(0, status);
        foreach (var name in new[] { "postgres", "core-1", "core-2", "ml-1", "gateway" }) Assert.Contains(name + " ", statusSaid);

        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await CliVerbs.RunAsync(["transfer", "--dev", "0", "--to", "0x05cA53b8f3BcEB948F61502a6997dc27F9e43af8", "--amount", "1",
            "--node", graphql], output, error);
        Assert.True(code == 0, $"{output}{error}\n{Output()}");
        Assert.Contains("committed in block", output.ToString());

        var pids = Directory.GetFiles(Path.Combine(ClusterDirectory, "run"), "*.pid").Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var postmaster = Path.Combine(ClusterDirectory, "postgres", "data", "postmaster.pid");
        pids.Add(int.Parse(File.ReadLines(postmaster).First(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(5, pids.Count);

        var stopping = Stopwatch.StartNew();
        var (stopped, stopSaid) = await RunAsync(["stop", "--dir", ClusterDirectory]);
        Assert.True(stopped == 0, stopSaid);
        Assert.Contains("local cluster stopped", stopSaid);
        Assert.True(_up.WaitForExit(60_000), $"`up` did not return after `stop`\n{Output()}");
        Assert.True(_up.ExitCode == 0, $"`up` exited with {_up.ExitCode}\n{Output()}");
        Assert.All(pids, pid => Assert.False(Runs(pid), $"pid {pid} still runs after stop\n{stopSaid}"));
        Assert.False(File.Exists(postmaster), "the PostgreSQL server's pid file is still there: the server did not stop");
        Assert.Empty(ProcessesMentioning(ClusterDirectory));
        Console.WriteLine($"[local-cluster] ready after {ready.TotalSeconds:0} s, stopped in {stopping.Elapsed.TotalSeconds:0.0} s (load average {RolesClusterTests.LoadAverage()})");
    }

    /// <summary>Whether the process is alive: it exists and is not a zombie (the PostgreSQL server, daemonized by pg_ctl,
    /// is reparented to the container's first process, which may never reap it).</summary>
    private static bool Runs(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>A base port with the 11 ports the script derives from it free (N, N+1..3, N+11..13, N+21..23, N+30).</summary>
    private static int FreeBasePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var candidate = Random.Shared.Next(20_000, 60_000);
            int[] ports = [candidate, candidate + 1, candidate + 2, candidate + 3, candidate + 11, candidate + 12, candidate + 13,
                candidate + 21, candidate + 22, candidate + 23, candidate + 30];
            if (ports.All(IsFree)) return candidate;
        }
        throw new InvalidOperationException("no free range of ports found");

        static bool IsFree(int port)
        {
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                return true;
            }
            catch (SocketException) { return false; }
        }
    }

    /// <summary>Live processes whose command line names <paramref name="text"/> (the cluster's directory is on every
    /// command line the script starts: the silos' --data-dir, the server's -D).</summary>
    private static List<string> ProcessesMentioning(string text)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(text, StringComparison.Ordinal)) found.Add($"{Path.GetFileName(dir)}: {cmdline}");
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    private Process Start(string[] argv)
    {
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        psi.ArgumentList.Add(Script);
        foreach (var a in argv) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OPENLEDGER_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        // The script's silos inherit it: the ML silo serves the small test model (TestBaseModel).
        psi.Environment["OPENLEDGER_BASE_MODEL"] = OpenLedger.Tests.Support.TestBaseModel.Recipe;
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue($"[{argv[0]}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue($"[{argv[0]} err] {e.Data}"); };
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<(int Exit, string Said)> RunAsync(string[] argv)
    {
        using var process = Start(argv);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit();
        return (process.ExitCode, string.Join('\n', _output.Where(l => l.StartsWith($"[{argv[0]}", StringComparison.Ordinal))));
    }

    private string Output() => string.Join('\n', _output) + LogTails();

    private string LogTails()
    {
        var logs = Path.Combine(ClusterDirectory, "logs");
        if (!Directory.Exists(logs)) return "";
        return string.Concat(Directory.GetFiles(logs, "*.log").Select(f => $"\n--- {Path.GetFileName(f)} ---\n" + string.Join('\n', File.ReadLines(f).TakeLast(30))));
    }

    public void Dispose()
    {
        // Whatever a failed run left: the script's own stop, then the script itself.
        if (Directory.Exists(Path.Combine(ClusterDirectory, "run")))
        {
            using var stop = Start(["stop", "--dir", ClusterDirectory]);
            stop.WaitForExit(180_000);
        }
        if (_up is { HasExited: false }) _up.Kill(entireProcessTree: true);
        _up?.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
