using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OpenLedger.Core.Crypto;
using OpenLedger.Silo.Cli;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>What one CLI run printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public IEnumerable<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'));

    /// <summary>The value of a "name   value" line the verbs print.</summary>
    public string Field(string name) =>
        Lines.Select(l => l.StartsWith(name + " ", StringComparison.Ordinal) ? l[name.Length..].Trim() : null).FirstOrDefault(v => v is not null)
        ?? throw new Xunit.Sdk.XunitException($"no '{name}' line in:\n{this}");

    public Hash32 Id(string name) => Hash32.Parse(Field(name).Split(' ')[0]);

    /// <summary>The line about <paramref name="file"/> in contribute's report.</summary>
    public string FileLine(string file) =>
        Lines.FirstOrDefault(l => l.StartsWith(file + " ", StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no line for {file} in:\n{this}");

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}--- stderr ---\n{Error}";
}

/// <summary>One real node (<see cref="NodeHost"/>: silo + gateway) on SQLite in a temp directory and free ports with a
/// 200 ms block interval, and a way to run the CLI's verbs against it in-process, exactly as the executable dispatches
/// them (each run speaks GraphQL to the node's HTTP port, as any client does).</summary>
public sealed class CliNodeFixture : IAsyncLifetime
{
    public TestChain Chain { get; } = new(accounts: 6, blockIntervalMs: 200);
    public string DataDirectory { get; } = TestChain.TempDirectory("openledger-cli-node");
    public string GenesisPath => Path.Combine(DataDirectory, "genesis.json");
    public int GatewayPort { get; } = FreePorts.Next();
    public int HttpPort { get; } = FreePorts.Next();
    public string NodeUrl => $"http://127.0.0.1:{HttpPort}/graphql";

    private InProcessNode? node;

    public async Task InitializeAsync() => node = await InProcessNode.StartAsync(Chain, DataDirectory, HttpPort, GatewayPort);

    /// <summary>Runs <c>openledger ARGV...</c> against this node (its GraphQL URL, genesis file and data directory,
    /// whose operator token the operator verbs present, are appended).</summary>
    public Task<CliRun> RunAsync(params string[] argv) => RunExactlyAsync([.. argv, "--node", NodeUrl, "--genesis", GenesisPath, "--data-dir", DataDirectory]);

    /// <summary>Runs a verb in-process with exactly these arguments.</summary>
    public static async Task<CliRun> RunExactlyAsync(string[] argv)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliVerbs.RunAsync(argv, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built node executable (<c>dotnet openledger.dll ARGV...</c>) with no OPENLEDGER_* variables from
    /// this process' environment, only those in <paramref name="environment"/>.</summary>
    public static Task<CliRun> RunExecutableAsync(IReadOnlyDictionary<string, string>? environment, params string[] argv) =>
        RunProcessAsync(NodeProcess.ExecutablePath, environment, argv);

    /// <summary>Runs the built slim CLI (<c>dotnet openledger-cli.dll ARGV...</c>, clients/OpenLedger.Cli) as
    /// <see cref="RunExecutableAsync"/> runs the node executable.</summary>
    public static Task<CliRun> RunSlimExecutableAsync(IReadOnlyDictionary<string, string>? environment, params string[] argv) =>
        RunProcessAsync(SlimExecutablePath, environment, argv);

    /// <summary>The slim CLI as the test project's build output holds it (the test project references clients/OpenLedger.Cli).</summary>
    public static string SlimExecutablePath
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "openledger-cli.dll");
            if (!File.Exists(dll) || !File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
                throw new InvalidOperationException($"{dll} or its runtimeconfig.json is missing: the test project must reference clients/OpenLedger.Cli");
            return dll;
        }
    }

    internal static async Task<CliRun> RunProcessAsync(string dll, IReadOnlyDictionary<string, string>? environment, string[] argv)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in argv) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OPENLEDGER_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return new CliRun(p.ExitCode, await stdout, await stderr);
    }

    public async Task DisposeAsync()
    {
        if (node is not null) await node.DisposeAsync();
    }
}
