using System.Security.Cryptography.X509Certificates;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Gateway.Configuration;

/// <summary>What a GraphQL gateway needs to serve and to join its cluster: its HTTP port and boundary (host names, page
/// origins, the operator token), and how it reaches the silos (the local Orleans gateway port of a single SQLite node,
/// or the PostgreSQL membership table) holding the cluster certificate. The node reads the same options through this
/// (NodeSettings.From), so a node and a standalone gateway given the same command line agree.</summary>
public sealed record GatewaySettings(
    string? PostgresConnectionString,
    string DataDirectory,
    int GatewayPort,
    int HttpPort,
    string? ClusterCertificateFile = null,
    IReadOnlyList<string>? AllowedHosts = null,
    IReadOnlyList<string>? AllowedOrigins = null,
    string? OperatorTokenFile = null,
    int WebSocketsPerClient = GatewaySettings.DefaultWebSocketsPerClient,
    int WebSocketsTotal = GatewaySettings.DefaultWebSocketsTotal)
{
    public const int DefaultHttpPort = 8080;
    public const int DefaultGatewayPort = 30000;
    public const int DefaultWebSocketsPerClient = 256;
    public const int DefaultWebSocketsTotal = 4096;
    /// <summary>The most either WebSocket cap may be raised to: each connection holds a receive loop and buffers, so a
    /// larger number is a typo or a node that would run out of memory before reaching it.</summary>
    public const int MaxWebSockets = 1_000_000;

    public static GatewaySettings From(Args args) => new(
        args.ValueOrEnvironment("postgres", "OPENLEDGER_POSTGRES"),
        LocalNodeFiles.DataDirectory(args),
        Port(args, "gateway-port", "OPENLEDGER_GATEWAY_PORT", DefaultGatewayPort),
        Port(args, "http-port", "OPENLEDGER_HTTP_PORT", DefaultHttpPort),
        args.PathOrEnvironment("cluster-cert", "OPENLEDGER_CLUSTER_CERT"),
        List(args.ValueOrEnvironment("allowed-hosts", "OPENLEDGER_ALLOWED_HOSTS")),
        List(args.ValueOrEnvironment("allowed-origins", "OPENLEDGER_ALLOWED_ORIGINS")),
        LocalNodeFiles.OperatorTokenFile(args),
        Count(args, "ws-per-client", "OPENLEDGER_WS_PER_CLIENT", DefaultWebSocketsPerClient),
        Count(args, "ws-total", "OPENLEDGER_WS_TOTAL", DefaultWebSocketsTotal));

    /// <summary>The operator's token file (administration over HTTP): --operator-token, or operator.token in the data
    /// directory.</summary>
    public string OperatorTokenPath => LocalNodeFiles.OperatorTokenPath(OperatorTokenFile, DataDirectory);

    /// <summary>The HTTP boundary: host names and page origins accepted, and the operator token (made if missing).</summary>
    public HttpBoundary HttpBoundary() => new(
        AllowedHosts is { Count: > 0 } hosts ? [.. Hosting.Boundary.HttpBoundary.LoopbackHosts, .. hosts] : Hosting.Boundary.HttpBoundary.LoopbackHosts,
        new HashSet<string>((AllowedOrigins ?? []).Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase),
        OperatorToken.LoadOrCreate(OperatorTokenPath),
        WebSocketsPerClient,
        WebSocketsTotal);

    /// <summary>The cluster certificate (mutual TLS on the Orleans ports): --cluster-cert, or cluster.pfx in the data
    /// directory.</summary>
    public string ClusterCertificatePath => ClusterCertificateFile ?? Path.Combine(DataDirectory, ClusterCertificate.DefaultFileName);

    /// <summary>The cluster certificate: a node creates it when missing; a process joining a node (<paramref name="create"/>
    /// false) needs the node's file.</summary>
    public X509Certificate2 LoadClusterCertificate(bool create)
    {
        try
        {
            return create ? ClusterCertificate.LoadOrCreate(ClusterCertificatePath) : ClusterCertificate.Load(ClusterCertificatePath);
        }
        catch (ClusterCertificateException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>A TCP port from the command line or the environment (1..65535).</summary>
    public static int Port(Args args, string name, string env, int fallback)
    {
        var text = args.Value(name) ?? Environment.GetEnvironmentVariable(env);
        if (string.IsNullOrEmpty(text)) return fallback;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65_535
            ? port : throw new UsageException($"--{name} (or {env}) must be a port number 1..65535, got '{text}'");
    }

    /// <summary>A WebSocket cap from the command line or the environment (1..<see cref="MaxWebSockets"/>). Behind a
    /// reverse proxy every client arrives from the proxy's address, so the per-client cap must be raised there.</summary>
    public static int Count(Args args, string name, string env, int fallback)
    {
        var text = args.ValueOrEnvironment(name, env);
        if (text is null) return fallback;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is > 0 and <= MaxWebSockets
            ? n : throw new UsageException($"--{name} (or {env}) must be a number of connections 1..{MaxWebSockets}, got '{text}'");
    }

    private static IReadOnlyList<string>? List(string? commaSeparated) =>
        commaSeparated?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
