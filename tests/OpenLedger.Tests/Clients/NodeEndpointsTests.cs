using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;
namespace OpenLedger.Tests.Clients;

/// <summary>The endpoints beside GraphQL: health (public), the Orleans dashboard and OpenTelemetry metrics (the
/// operator's: the test sends the node's token).</summary>
public class NodeEndpointsTests(GraphQLNodeFixture fx) : IClassFixture<GraphQLNodeFixture>
{
    [Fact]
    public async Task Health_dashboard_and_metrics_are_served()
    {
        var health = await fx.Http.GetAsync(fx.HealthUrl);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"status\":\"ok\"", await health.Content.ReadAsStringAsync());

        using var operatorHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        operatorHttp.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fx.OperatorToken);
        var dashboard = await operatorHttp.GetAsync(new Uri($"http://127.0.0.1:{fx.HttpPort}/dashboard/"));
        Assert.Equal(System.Net.HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<html", (await dashboard.Content.ReadAsStringAsync()).ToLowerInvariant());

        // Submitting something (even rejected) makes the ledger's meter report.
        await fx.Http.PostAsync(fx.GraphQLUrl, new StringContent("""{"query":"mutation { sendTransaction(signed: {raw: \"0x01\"}) { accepted } }"}""",
            System.Text.Encoding.UTF8, "application/json"));
        string metrics = "";
        for (int i = 0; i < 20 && !metrics.Contains("openledger_transactions_rejected"); i++)
        {
            metrics = await operatorHttp.GetStringAsync(new Uri($"http://127.0.0.1:{fx.HttpPort}/metrics"));
            if (!metrics.Contains("openledger_transactions_rejected")) await Task.Delay(250);
        }
        Assert.Contains("openledger_transactions_rejected", metrics);
        Assert.Contains("code=\"MalformedTransaction\"", metrics);
        Assert.Contains("orleans_", metrics);
        // Which secp256k1 recovers signers: native libsecp256k1 on the machines the tests run on.
        Assert.Matches(@"(?m)^openledger_secp256k1_native(\{[^}]*\})? 1(\s|$)", metrics);
    }
}
