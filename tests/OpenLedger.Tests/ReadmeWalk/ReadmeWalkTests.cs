using System.Diagnostics;
using System.Text;
using OpenLedger.Tests.Architecture;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.ReadmeWalk;

/// <summary>The README's examples run as written. Every <c>```sh</c> block of README.md, in order, runs in one bash
/// session (<c>set -euo pipefail</c>) in a directory holding a copy of the repository's <c>examples/</c>, against a
/// real node process (<see cref="NodeProcess"/>: a dev chain, the ML role, so training, serving and the attribution
/// worker's settlement happen as on a user's node), with <c>openledger</c> on the PATH as the built node executable and
/// the node named the way the README tells a user to (<c>OPENLEDGER_NODE</c>, <c>OPENLEDGER_GENESIS</c>,
/// <c>OPENLEDGER_DATA_DIR</c>). A block that fails fails the test with its README line, the command and its output; a
/// block that must not run says why in a <c>readme-test: skip</c> comment (<see cref="ReadmeBlock"/>).</summary>
public sealed class ReadmeWalkTests(ITestOutputHelper output) : IDisposable
{
    private const string BlockMarker = "@@readme-block";
    private const string DoneMarker = "@@readme-walk complete";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan WalkTimeout = TimeSpan.FromMinutes(10); // the walk took 5 min 11 s on 2 cores at load 40

    // The dev seed of the built-in genesis, so `dev-keys` and `--dev N` name the README's accounts; 200 ms blocks keep
    // the walk's ~60 waited transactions quick.
    private readonly TestChain _chain = new(accounts: 10, blockIntervalMs: 200, seed: "openledger dev seed");
    private readonly string _root = TestChain.TempDirectory("openledger-readme-walk");
    private NodeProcess? _node;
    private bool _passed;

    [Fact]
    public async Task Every_shell_block_of_the_README_runs_as_written_against_a_node()
    {
        var repository = ProjectReferenceTests.RepositoryRoot();
        var blocks = ReadmeBlock.Parse(await File.ReadAllTextAsync(Path.Combine(repository, "README.md")));
        var running = blocks.Where(b => b.Runs).ToList();
        Assert.True(running.Count >= 4, $"the README has {running.Count} runnable sh blocks; expected the node, configuration, marketplace and model paths");
        foreach (var skipped in blocks.Where(b => b.Language == "sh" && !b.Runs))
            output.WriteLine($"skipped: README.md line {skipped.Line}: {skipped.SkipReason}");

        var genesisPath = Path.Combine(_root, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, _chain.Genesis.ToJson() + "\n");
        _node = new NodeProcess(Path.Combine(_root, "data"), genesisPath, ["--training-threads", "1"]);
        await _node.StartAsync(StartTimeout);

        var work = Directory.CreateDirectory(Path.Combine(_root, "walk")).FullName;
        CopyDirectory(Path.Combine(repository, "examples"), Path.Combine(work, "examples"));
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var launcher = Path.Combine(bin, "openledger");
        await File.WriteAllTextAsync(launcher, $"#!/bin/sh\nexec '{dotnet}' '{NodeProcess.ExecutablePath}' \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var script = Path.Combine(_root, "readme-walk.sh");
        await File.WriteAllTextAsync(script, Script(running));

        var clock = Stopwatch.StartNew();
        var (exitCode, text) = await RunBashAsync(script, work, new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["OPENLEDGER_NODE"] = $"http://127.0.0.1:{_node.HttpPort}/graphql",
            ["OPENLEDGER_GENESIS"] = genesisPath,
            ["OPENLEDGER_DATA_DIR"] = _node.DataDirectory,
        });
        var walked = clock.Elapsed;

        var reached = text.Split('\n').Where(l => l.StartsWith(BlockMarker + " ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        foreach (var m in reached.Where(m => m[2] == "done")) output.WriteLine($"README.md line {m[1]}: ran in {m[3]} ms");
        if (exitCode != 0 || !text.Contains(DoneMarker, StringComparison.Ordinal))
        {
            var last = reached.LastOrDefault(m => m[2] == "start");
            var block = last is null ? null : running.First(b => b.Line.ToString(System.Globalization.CultureInfo.InvariantCulture) == last[1]);
            var since = last is null ? text : text[text.LastIndexOf($"{BlockMarker} {last[1]} start", StringComparison.Ordinal)..];
            Assert.Fail($"the README block at line {block?.Line.ToString() ?? "?"} failed (bash exit {exitCode} after {walked.TotalSeconds:0} s):\n" +
                        $"{block?.Code}\n--- its output ---\n{Tail(since, 120)}\n--- work directory {work} ---\n{_node.Tail(80)}");
        }
        output.WriteLine($"{running.Count} README blocks ran in {walked.TotalSeconds:0.0} s against the node");
        _passed = true;
    }

    /// <summary>The blocks as one bash script: each between markers that name its README line, so a failure names it.</summary>
    internal static string Script(IReadOnlyList<ReadmeBlock> blocks)
    {
        var s = new StringBuilder();
        s.AppendLine("set -euo pipefail");
        s.AppendLine("exec 2>&1");
        s.AppendLine("trap 'echo \"readme-walk: exit $? at: $BASH_COMMAND\"' ERR");
        foreach (var b in blocks)
        {
            s.AppendLine($"echo '{BlockMarker} {b.Line} start'; BLOCK_STARTED=${{EPOCHREALTIME/./}}");
            s.AppendLine(b.Code);
            s.AppendLine($"echo \"{BlockMarker} {b.Line} done $(( (${{EPOCHREALTIME/./}} - BLOCK_STARTED) / 1000 ))\"");
        }
        s.AppendLine($"echo '{DoneMarker}'");
        return s.ToString();
    }

    private static async Task<(int ExitCode, string Output)> RunBashAsync(string script, string directory, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = directory };
        psi.ArgumentList.Add("--noprofile");
        psi.ArgumentList.Add("--norc");
        psi.ArgumentList.Add(script);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OPENLEDGER_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        foreach (var (key, value) in environment) psi.Environment[key] = value;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close(); // a block that reads its input reads nothing, never the test's
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(WalkTimeout);
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            return (-1, await stdout + await stderr + $"\nreadme-walk: killed after {WalkTimeout.TotalMinutes:0} min");
        }
        return (p.ExitCode, await stdout + await stderr);
    }

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    public void Dispose()
    {
        _node?.Dispose();
        if (_passed) Directory.Delete(_root, recursive: true);
        else output.WriteLine($"the test failed: its directory stays for inspection: {_root}");
    }
}
