using OpenLedger.Core.Genesis;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Web;

/// <summary>One real node for the web app's tests, on the PUBLIC dev seed (the one the app's dev account picker
/// derives from, as the README's node does), SQLite in a temp directory, a 200 ms block interval.</summary>
public sealed class WebAppNodeFixture : IAsyncLifetime
{
    public TestChain Chain { get; } = new(accounts: 6, blockIntervalMs: 200, seed: DevChain.Seed);
    public string DataDirectory { get; } = TestChain.TempDirectory("openledger-webapp-node");
    public int HttpPort { get; } = FreePorts.Next();
    public Uri BaseUrl => new($"http://127.0.0.1:{HttpPort}/");
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };
    public string OperatorToken => File.ReadAllText(Path.Combine(DataDirectory, "operator.token")).Trim();

    private InProcessNode? node;

    public async Task InitializeAsync() => node = await InProcessNode.StartAsync(Chain, DataDirectory, HttpPort);

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (node is not null) await node.DisposeAsync();
    }

    /// <summary>The repository's root (where OpenLedger.sln is).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OpenLedger.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no OpenLedger.sln above {AppContext.BaseDirectory}");
    }
}
