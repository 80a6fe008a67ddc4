using System.Diagnostics;
using OpenLedger.Tests.Architecture;
using Xunit.Abstractions;

namespace OpenLedger.Tests.ScaleOut;

/// <summary>The scale-out benchmark (tests/OpenLedger.Benchmarks, `scaleout`) runs start to finish as a program: its own
/// PostgreSQL server, real silo processes joining one cluster, transfers through GraphQL, and every row's table line
/// with all its transfers committed. No figure is asserted (targets live in the program's table). CI runs the short
/// form, transfers on SQLite and on 1 and 2 PostgreSQL silos; <c>OPENLEDGER_SCALEOUT_FULL=1</c> runs the whole
/// <c>scaleout --quick</c> (3 silos, and the paid-inference rows with a model trained once: minutes on 2 shared cores).</summary>
public sealed class ScaleOutBenchmarkTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(12);

    [Fact]
    public async Task Scaleout_quick_runs_every_row_to_the_end()
    {
        var full = Environment.GetEnvironmentVariable("OPENLEDGER_SCALEOUT_FULL") == "1";
        string[] arguments = full ? ["scaleout", "--quick"] : ["scaleout", "--quick", "--only", "transfers", "--silos", "1,2"];
        var (exit, text, elapsed) = await RunBenchmarkAsync(arguments);
        output.WriteLine($"`{string.Join(' ', arguments)}` (OPENLEDGER_SCALEOUT_FULL={(full ? "1" : "unset")}) exited {exit} after " +
                         $"{elapsed.TotalSeconds:F0} s; load average now {LoadAverage()}");
        output.WriteLine(text);

        Assert.Equal(0, exit);
        var rows = text.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| silos", StringComparison.Ordinal)).ToList();
        // Transfers: SQLite, then each PostgreSQL silo count; each row took all 2,000 transfers.
        var transfers = rows.Where(r => r.Contains("/ 2,000 |", StringComparison.Ordinal)).ToList();
        Assert.Equal(full ? 4 : 3, transfers.Count);
        Assert.All(transfers, r => Assert.Contains("| 2,000 / 2,000 |", r, StringComparison.Ordinal));
        Assert.Contains(transfers, r => r.Contains("| SQLite ", StringComparison.Ordinal));
        Assert.Contains(transfers, r => r.StartsWith("| 2 ", StringComparison.Ordinal) && r.Contains("| PostgreSQL ", StringComparison.Ordinal));
        if (full) Assert.Equal(3, rows.Count(r => r.Contains("| 2 / 2 ", StringComparison.Ordinal)));
    }

    private static async Task<(int Exit, string Output, TimeSpan Elapsed)> RunBenchmarkAsync(IReadOnlyList<string> arguments)
    {
        // The benchmark program as the solution's build left it, in this test run's configuration (Release in CI).
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
        var dll = Path.Combine(ProjectReferenceTests.RepositoryRoot(), "tests", "OpenLedger.Benchmarks", "bin", configuration, "net10.0", "OpenLedger.Benchmarks.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution (dotnet test OpenLedger.sln builds it)");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("the benchmark did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scaleout did not finish within {Timeout.TotalMinutes:F0} min\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr, clock.Elapsed);
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
