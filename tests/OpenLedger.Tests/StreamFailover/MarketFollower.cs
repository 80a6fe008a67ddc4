using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenLedger.Tests.Clients;

namespace OpenLedger.Tests.StreamFailover;

/// <summary>The real graphql-ws client as a long-running process (<c>tests/js-graphql/follow-market.mjs</c>): it follows
/// an account's <c>rewards</c> and a datanet's <c>datanetActivity</c> through the first of several nodes, moves to the
/// next when its node goes away (subscribing again with <c>fromHeight</c>), and prints every event it keeps as a JSON
/// line. This class collects those lines.</summary>
public sealed class MarketFollower : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<JsonObject> _lines = [];
    private readonly List<string> _errors = [];

    private MarketFollower(Process process) => _process = process;

    public static MarketFollower Start(IReadOnlyList<int> httpPorts, string address, string datanet, long fromHeight)
    {
        var folder = NodeJs.JsGraphQLFolder;
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
            throw new InvalidOperationException($"{folder}/node_modules is missing: run `npm ci --prefix tests/js-graphql` first.");
        var config = new JsonObject
        {
            ["urls"] = new JsonArray([.. httpPorts.Select(p => (JsonNode)$"ws://127.0.0.1:{p}/graphql")]),
            ["address"] = address,
            ["datanet"] = datanet,
            ["fromHeight"] = fromHeight,
        };
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(folder, "follow-market.mjs"));
        psi.ArgumentList.Add(config.ToJsonString());
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node");
        var follower = new MarketFollower(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            if (JsonNode.Parse(line) is JsonObject o) lock (follower._lines) follower._lines.Add(o);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (follower._errors) follower._errors.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return follower;
    }

    /// <summary>Every line so far: events (<c>feed</c>), connections and reconnections.</summary>
    public IReadOnlyList<JsonObject> Lines { get { lock (_lines) return [.. _lines]; } }

    /// <summary>The events of one feed ("rewards" or "datanet"), in the order the client kept them.</summary>
    public IReadOnlyList<JsonObject> Events(string feed) => [.. Lines.Where(l => (string?)l["feed"] == feed)];

    /// <summary>Where the client connected, in order.</summary>
    public IReadOnlyList<string> Connections => [.. Lines.Where(l => l["connected"] is not null).Select(l => (string)l["connected"]!)];

    /// <summary>Waits until <paramref name="done"/> holds, printing what the client said if it never does.</summary>
    public async Task WaitUntilAsync(Func<MarketFollower, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(this))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new TimeoutException($"the graphql-ws client did not {what} within {timeout.TotalSeconds:0} s " +
                    $"(exited: {_process.HasExited})\n{Transcript()}");
            await Task.Delay(100);
        }
    }

    public string Transcript()
    {
        string[] errors;
        lock (_errors) errors = [.. _errors];
        return string.Join('\n', Lines.Select(l => l.ToJsonString()).TakeLast(200)) + "\n--- stderr ---\n" + string.Join('\n', errors.TakeLast(50));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("stop");
                _process.StandardInput.Close();
                if (!_process.WaitForExit(5_000)) _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) { }
        catch (IOException) { }
        _process.Dispose();
    }
}
