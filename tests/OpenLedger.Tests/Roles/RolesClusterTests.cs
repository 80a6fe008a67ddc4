using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenLedger.Silo.Cli;
using OpenLedger.Silo.Configuration;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Roles;

/// <summary>
/// Placement by role with real silo processes on the real PostgreSQL server (issue 16). A core+gateway silo alone runs
/// the ledger (a signed transfer commits) but an ML call finds no silo for its grain: GraphQL and the CLI answer
/// ROLE_UNAVAILABLE naming the role to start, and the node goes on serving. An ML silo joins and the same calls work.
/// A core-only silo's HTTP port answers /healthz (liveness and readiness probes) but serves no GraphQL or web app.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RolesClusterTests(PostgresServerFixture pg) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private const string Recipient = "0x05cA53b8f3BcEB948F61502a6997dc27F9e43af8";
    private static readonly string JobId = "0x" + new string('1', 64);

    private readonly string _root = TestChain.TempDirectory("openledger-roles");
    private readonly List<NodeProcess> _nodes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task ML_calls_say_which_role_is_missing_until_an_ML_silo_joins_and_a_core_silo_serves_only_health()
    {
        var conn = await pg.CreateDatabaseAsync($"roles_{Environment.ProcessId}");
        var cert = Path.Combine(_root, "cluster.pfx");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var front = await StartAsync("core-gateway", ["--postgres", conn, "--cluster-cert", cert, "--roles", "core,gateway"]);
        Assert.Contains(front.Lines, l => l.Contains("silo roles: core, gateway; grains of the ml role go to other silos", StringComparison.Ordinal));
        var graphql = $"http://127.0.0.1:{front.HttpPort}/graphql";
        await TransferAsync(graphql, front);

        // No ML silo: the ML call fails with the stable code and the role to start, on GraphQL and in the CLI.
        var (code, message) = await FirstErrorAsync(graphql, "{ adapters { adapter silo } }");
        Assert.Equal("ROLE_UNAVAILABLE", code);
        Assert.Equal("no silo with the ml role is running; start one with --roles ml (it hosts IOpenLoraGrain)", message);
        var (exit, said) = await CliAsync(["train", "status", "--id", JobId, "--node", graphql]);
        Assert.True(exit != 0, said);
        Assert.Contains("ROLE_UNAVAILABLE: no silo with the ml role is running; start one with --roles ml", said);
        // ... and the node keeps serving the ledger.
        await TransferAsync(graphql, front);

        var ml = await StartAsync("ml", ["--postgres", conn, "--cluster-cert", cert, "--roles", "ml"]);
        Assert.Contains(ml.Lines, l => l.Contains("silo roles: ml; grains of the core role go to other silos", StringComparison.Ordinal));
        // The core silo learns the ML silo's grain classes from the cluster manifest shortly after it joins.
        string? last = null;
        await Poll.UntilAsync(async () => (last = (await FirstErrorAsync(graphql, "{ adapters { adapter silo } }")).Code) is null,
            "the adapters query to answer once the ML silo joined", () => $"{last}\n{ml.Tail(40)}", TimeSpan.FromSeconds(90));
        (exit, said) = await CliAsync(["train", "status", "--id", JobId, "--node", graphql]);
        Assert.DoesNotContain("ROLE_UNAVAILABLE", said);

        var core = await StartAsync("core", ["--postgres", conn, "--cluster-cert", cert, "--roles", "core"]);
        Assert.Contains(core.Lines, l => l.Contains("/healthz and /metrics only (no gateway role", StringComparison.Ordinal));
        using (var health = await _http.GetAsync(new Uri($"http://127.0.0.1:{core.HttpPort}/healthz")))
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"/healthz: {(int)health.StatusCode}\n{core.Tail(40)}");
        using (var query = await _http.PostAsJsonAsync(new Uri($"http://127.0.0.1:{core.HttpPort}/graphql"), new { query = "{ chain { headHeight } }" }))
            Assert.Equal(HttpStatusCode.NotFound, query.StatusCode);
        using (var page = await _http.GetAsync(new Uri($"http://127.0.0.1:{core.HttpPort}/")))
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        await TransferAsync(graphql, front);
        Console.WriteLine($"[roles] three silos started and checked in {clock.Elapsed.TotalSeconds:0.0} s (load average {LoadAverage()})");
    }

    private async Task<NodeProcess> StartAsync(string name, IReadOnlyList<string> options)
    {
        var node = new NodeProcess(Path.Combine(_root, name), NodeSettings.DefaultGenesisPath, options);
        _nodes.Add(node);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await node.StartAsync(StartTimeout);
        Console.WriteLine($"[roles] {name} silo ready in {started.Elapsed.TotalSeconds:0.0} s (load average {LoadAverage()})");
        return node;
    }

    /// <summary>A signed transfer with the CLI, committed (the dev chain's account 0 pays 1 OPEN).</summary>
    private static async Task TransferAsync(string graphql, NodeProcess node)
    {
        var (exit, said) = await CliAsync(["transfer", "--dev", "0", "--to", Recipient, "--amount", "1", "--node", graphql]);
        Assert.True(exit == 0, $"{said}\n{node.Tail(60)}");
        Assert.Contains("committed in block", said);
    }

    private static async Task<(int Exit, string Said)> CliAsync(string[] argv)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await CliVerbs.RunAsync(argv, output, error);
        return (exit, $"{output}{error}");
    }

    private async Task<(string? Code, string? Message)> FirstErrorAsync(string graphql, string query)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(graphql), new { query });
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (!body.RootElement.TryGetProperty("errors", out var errors) || errors.GetArrayLength() == 0) return (null, null);
        var first = errors[0];
        return (first.GetProperty("extensions").GetProperty("code").GetString(), first.GetProperty("message").GetString());
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        _http.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
