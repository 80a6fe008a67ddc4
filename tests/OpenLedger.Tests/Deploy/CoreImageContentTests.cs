using System.Collections.Concurrent;
using System.Diagnostics;
using OpenLedger.Silo.Cli;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Deploy;

/// <summary>The core image is the node's build output without what deploy/Dockerfile deletes from it (libtorch,
/// TorchSharp's shim, the built-in base model). That content, as real processes: a `run --no-ml` silo commits a transfer
/// and `openledger gateway` serves it, so the core silos and the gateway need nothing the ML image alone carries.</summary>
public sealed class CoreImageContentTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "openledger-core-image-" + Guid.NewGuid().ToString("N"));
    private readonly List<Process> _processes = [];
    private readonly ConcurrentQueue<string> _output = new();

    [Fact]
    public async Task A_silo_without_libtorch_runs_the_ledger_without_the_ML_role_and_the_gateway_serves_it()
    {
        var app = Path.Combine(_root, "app");
        MirrorWithoutMlFiles(AppContext.BaseDirectory.TrimEnd('/'), app);
        Assert.DoesNotContain(System.IO.Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories), f => Path.GetFileName(f).StartsWith("libtorch", StringComparison.Ordinal));
        var data = Path.Combine(_root, "data");
        var (silo, gateway, http, gatewayHttp) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());

        var node = Start(app, ["run", "--no-ml", "--data-dir", data, "--silo-port", $"{silo}", "--gateway-port", $"{gateway}", "--http-port", $"{http}"]);
        await Poll.UntilAsync(() => _output.Any(l => l.Contains("openledger node ready", StringComparison.Ordinal)) || node.HasExited,
            "the --no-ml node to be ready", Output, TimeSpan.FromSeconds(120));
        Assert.False(node.HasExited, Output());
        var front = Start(app, ["gateway", "--data-dir", data, "--gateway-port", $"{gateway}", "--http-port", $"{gatewayHttp}"]);
        await Poll.UntilAsync(() => _output.Any(l => l.Contains("openledger gateway ready", StringComparison.Ordinal)) || front.HasExited,
            "the gateway to be ready", Output, TimeSpan.FromSeconds(120));
        Assert.False(front.HasExited, Output());

        using var client = new HttpClient();
        foreach (var port in new[] { http, gatewayHttp })
        {
            using var health = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
            Assert.True(health.IsSuccessStatusCode, $"/healthz on {port}: {(int)health.StatusCode}\n{Output()}");
        }
        // A signed transfer through the gateway, committed by the producer on the silo without libtorch.
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliVerbs.RunAsync(["transfer", "--dev", "0", "--to", "0x05cA53b8f3BcEB948F61502a6997dc27F9e43af8", "--amount", "1",
            "--node", $"http://127.0.0.1:{gatewayHttp}/graphql"], output, error);
        Assert.True(code == 0, $"{output}{error}\n{Output()}");
        Assert.Contains("committed in block", output.ToString());
    }

    /// <summary>A copy of the build output made of symbolic links, leaving out what the core image's build stage deletes.</summary>
    private static void MirrorWithoutMlFiles(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var directory in System.IO.Directory.EnumerateDirectories(from))
        {
            if (Path.GetFileName(directory) == "BaseModel") continue;
            MirrorWithoutMlFiles(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
        foreach (var file in System.IO.Directory.EnumerateFiles(from))
        {
            if (!DockerfileTests.RemovedFromCore(Path.GetFileName(file)))
                File.CreateSymbolicLink(Path.Combine(to, Path.GetFileName(file)), file);
        }
    }

    private Process Start(string app, string[] argv)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };
        psi.ArgumentList.Add(Path.Combine(app, "openledger.dll"));
        foreach (var a in argv) psi.ArgumentList.Add(a);
        // Only the command line configures these processes (not an OPENLEDGER_POSTGRES of the test run's environment).
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OPENLEDGER_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue($"[{argv[0]}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue($"[{argv[0]} err] {e.Data}"); };
        Assert.True(process.Start());
        _processes.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private string Output() => string.Join('\n', _output);

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException) { }
            process.Dispose();
        }
        try { System.IO.Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }
}
