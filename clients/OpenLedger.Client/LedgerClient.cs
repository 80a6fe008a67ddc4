using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace OpenLedger.Client;

/// <summary>
/// A node's public API as typed calls: GraphQL POSTs to its <c>/graphql</c> over one pooled HTTP connection. Reads
/// return small records (null for what the node does not know); GraphQL errors are <see cref="GraphQLRequestException"/>
/// with the node's stable code; a node that does not answer is <see cref="NodeUnreachableException"/> within
/// <see cref="ConnectTimeout"/>. The ledger, sending, marketplace and Model Factory calls live in the other parts.
/// </summary>
public sealed partial class LedgerClient : IDisposable
{
    /// <summary>The URL a client uses when given none: a node on this machine at its default HTTP port.</summary>
    public const string DefaultNodeUrl = "http://127.0.0.1:8080/graphql";

    /// <summary>How long a connection may take before the node counts as unreachable.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public Uri Node { get; }

    /// <param name="node">The node's GraphQL endpoint, e.g. http://127.0.0.1:8080/graphql.</param>
    /// <param name="operatorToken">The node's operator token, sent as a bearer token; needed only by operator calls
    /// (training jobs, adapters).</param>
    /// <param name="requestTimeout">How long one request may take once connected (100 s by default).</param>
    public LedgerClient(Uri node, string? operatorToken = null, TimeSpan? requestTimeout = null)
    {
        if (!node.IsAbsoluteUri || node.Scheme is not ("http" or "https"))
            throw new ArgumentException($"the node URL must be http:// or https:// (got '{node}')", nameof(node));
        Node = node;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            // A proxy from the environment must not intercept a node on this machine (nor see its operator token).
            UseProxy = !IsLoopback(node),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        _http = new HttpClient(handler) { Timeout = requestTimeout ?? TimeSpan.FromSeconds(100) };
        if (operatorToken is { Length: > 0 }) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken.Trim());
    }

    /// <summary>Whether the URL names this machine (localhost or a loopback address).</summary>
    public static bool IsLoopback(Uri node) =>
        node.IsLoopback || (IPAddress.TryParse(node.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Sends one GraphQL document and returns its <c>data</c>; the first error, if any, is thrown with its code.</summary>
    public async Task<JsonElement> QueryAsync(string document, object? variables = null, CancellationToken ct = default)
    {
        var body = JsonSerializer.Serialize(new { query = document, variables }, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, Node) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                                                 || e.InnerException is SocketException)
        {
            throw new NodeUnreachableException(Node, e.InnerException?.Message ?? e.Message, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested && e.InnerException is TimeoutException)
        {
            // Connecting is bounded by ConnectTimeout; this is a connected node that did not answer in time.
            throw new TimeoutException($"the node at {Node} did not answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
            catch (JsonException)
            {
                throw new GraphQLRequestException($"HTTP_{(int)response.StatusCode}",
                    $"{Node} answered {(int)response.StatusCode} {response.ReasonPhrase} with no GraphQL response (is it a node's /graphql?)");
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
                {
                    var first = errors[0];
                    var code = first.TryGetProperty("extensions", out var ext) && ext.ValueKind == JsonValueKind.Object && ext.OptStr("code") is { } c ? c : "GRAPHQL_ERROR";
                    throw new GraphQLRequestException(code, first.OptStr("message") ?? "(no message)");
                }
                if (root.ValueKind != JsonValueKind.Object || root.Opt("data") is not { } data)
                    throw new GraphQLRequestException($"HTTP_{(int)response.StatusCode}", $"{Node} answered with neither data nor errors");
                return data.Clone();
            }
        }
    }

    public void Dispose() => _http.Dispose();
}
