namespace OpenLedger.GraphQL.Transport.Tests.Hosting;

/// <summary>One server per test class (xunit class fixture), so classes can run in parallel without sharing counters.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private GraphQLTestServer? _server;

    public GraphQLTestServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await GraphQLTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
