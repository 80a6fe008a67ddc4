using OpenLedger.Client;
using OpenLedger.Cli.Keys;

namespace OpenLedger.Cli.CommandLine;

/// <summary>Where a client verb finds the node: its GraphQL URL (<c>--node URL</c>, <c>OPENLEDGER_NODE</c>, or a node on
/// this machine at the default HTTP port) and, for verbs that administer it, the operator token
/// (<c>--operator-token-file PATH</c>, or the data directory's <c>operator.token</c> when the node is on this machine).
/// Client verbs speak only the public API: the Orleans options of <c>run</c> and <c>gateway</c> are mistakes here.</summary>
public static class NodeOptions
{
    public const string EnvironmentVariable = "OPENLEDGER_NODE";
    private static readonly string[] OrleansOptions = ["gateway-port", "cluster-cert"];

    /// <summary>The node's GraphQL endpoint; a URL with no path means its <c>/graphql</c>.</summary>
    public static Uri Url(Args args)
    {
        var (text, source) = args.Value("node") is { } v ? (v, "--node") : (Environment.GetEnvironmentVariable(EnvironmentVariable), EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(text)) return new Uri(LedgerClient.DefaultNodeUrl);
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
            throw new UsageException($"{source} '{text}' is not a node URL such as {LedgerClient.DefaultNodeUrl}");
        return url.AbsolutePath == "/" ? new Uri(url, "/graphql") : url;
    }

    /// <summary>A usage error when a client verb is given an option of the Orleans cluster (it has no use for one).</summary>
    public static void RefuseOrleansOptions(Args args)
    {
        foreach (var name in OrleansOptions)
            if (args.Has(name))
                throw new UsageException($"--{name} is for `openledger run` and `openledger gateway`: client verbs speak GraphQL to the node's HTTP port; " +
                                         $"give --node URL (or {EnvironmentVariable}; default {LedgerClient.DefaultNodeUrl})");
    }

    /// <summary>The operator token to present: the file given, else the local node's own when the URL is this machine
    /// and that file exists; null when there is none (the node then answers OPERATOR_REQUIRED).</summary>
    public static string? OperatorToken(Args args, Uri node)
    {
        var path = args.FullPath("operator-token-file");
        if (path is null)
        {
            var local = LocalNodeFiles.OperatorTokenPath(args);
            if (!LedgerClient.IsLoopback(node) || !File.Exists(local)) return null;
            path = local;
        }
        try { return OwnerOnlyFile.ReadText(path, "administers the node").Trim(); }
        catch (CredentialFileException e) { throw new UsageException($"--operator-token-file: {e.Message}"); }
    }

    /// <summary>A client of the node the command line names; with <paramref name="asOperator"/>, presenting the operator token.</summary>
    public static LedgerClient Connect(Args args, bool asOperator = false)
    {
        var url = Url(args);
        return new LedgerClient(url, asOperator ? OperatorToken(args, url) : null);
    }
}
