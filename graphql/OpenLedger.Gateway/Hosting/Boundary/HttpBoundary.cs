namespace OpenLedger.Gateway.Hosting.Boundary;

/// <summary>
/// What the HTTP face of a node or gateway accepts from whom. Host names: only those the node is reached by
/// (loopback names by default; a public node lists its own), which defeats DNS rebinding. Origins: the node's own
/// pages, plus those the operator lists. The operator is whoever holds the token file.
/// </summary>
public sealed record HttpBoundary(
    IReadOnlyList<string> AllowedHosts,
    IReadOnlySet<string> AllowedOrigins,
    OperatorToken OperatorToken,
    int WebSocketsPerClient = Configuration.GatewaySettings.DefaultWebSocketsPerClient,
    int WebSocketsTotal = Configuration.GatewaySettings.DefaultWebSocketsTotal,
    long UploadBytesPerMinute = GraphQL.Market.UploadQuota.DefaultBytesPerMinute)
{
    public static readonly IReadOnlyList<string> LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];
}
