using System.Text.Json;
using GraphQL;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using OpenLedger.GraphQL.Transport.Execution;

namespace OpenLedger.GraphQL.Transport.Http;

/// <summary>
/// Turns a GET query string or a POST body into a well-formed <see cref="GraphQLOperationRequest"/>, or into the
/// HTTP error that says why it is not one (400 malformed, 413 too large, 415 not JSON).
/// </summary>
internal static class HttpRequestReader
{
    // Variables nest as deep as input objects do; 64 is far beyond any real input type and bounds the parser's stack.
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };

    public static async Task<(GraphQLOperationRequest? Request, HttpTransportError? Error)> ReadPostAsync(
        HttpRequest request, GraphQLLimits limits, IGraphQLTextSerializer serializer, CancellationToken cancellationToken)
    {
        if (!IsJsonUtf8(request.ContentType))
            return (null, new HttpTransportError(StatusCodes.Status415UnsupportedMediaType, GraphQLErrorCodes.UnsupportedMediaType,
                "POST requests must have Content-Type: application/json (UTF-8)."));

        PooledBody? body;
        try
        {
            body = await BoundedBodyReader.ReadAsync(request, (int)limits.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own MaxRequestBodySize, if the host set it below ours.
            body = null;
        }
        if (body is null)
            return (null, TooLarge(limits));

        using (body)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body.Memory, JsonOptions);
            }
            catch (JsonException)
            {
                return (null, BadRequest("The request body is not valid JSON."));
            }
            using (document)
            {
                return RequestParameters.TryRead(document.RootElement, serializer, out var parsed, out var error)
                    ? (parsed, null)
                    : (null, BadRequest(error!));
            }
        }
    }

    public static (GraphQLOperationRequest? Request, HttpTransportError? Error) ReadGet(IQueryCollection query, IGraphQLTextSerializer serializer)
    {
        if (!TrySingle(query, "query", out var text) || !TrySingle(query, "operationName", out var operationName)
            || !TrySingle(query, "variables", out var variablesJson) || !TrySingle(query, "extensions", out var extensionsJson))
            return (null, BadRequest("Each GraphQL parameter may appear at most once in the query string."));
        if (text is null)
            return (null, BadRequest("'query' is required."));
        if (!TryReadJsonMap(variablesJson, serializer, out var variables))
            return (null, BadRequest("'variables' must be a JSON-encoded object."));
        if (!TryReadJsonMap(extensionsJson, serializer, out var extensions))
            return (null, BadRequest("'extensions' must be a JSON-encoded object."));
        return (new GraphQLOperationRequest(text, string.IsNullOrEmpty(operationName) ? null : operationName, variables, extensions), null);
    }

    public static HttpTransportError TooLarge(GraphQLLimits limits) =>
        new(StatusCodes.Status413PayloadTooLarge, GraphQLErrorCodes.PayloadTooLarge, $"The request body exceeds {limits.MaxBodyBytes} bytes.");

    private static HttpTransportError BadRequest(string message) =>
        new(StatusCodes.Status400BadRequest, GraphQLErrorCodes.BadRequest, message);

    /// <summary>The spec requires application/json and assumes UTF-8 when no charset is named.</summary>
    private static bool IsJsonUtf8(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed)) return false;
        if (!parsed.MediaType.Equals(ResponseMediaTypes.Json, StringComparison.OrdinalIgnoreCase)) return false;
        var charset = parsed.Charset;
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    private static bool TrySingle(IQueryCollection query, string name, out string? value)
    {
        value = null;
        if (!query.TryGetValue(name, out var values) || values.Count == 0) return true;
        if (values.Count > 1) return false;
        value = values[0];
        return true;
    }

    private static bool TryReadJsonMap(string? json, IGraphQLTextSerializer serializer, out Inputs? map)
    {
        map = null;
        if (string.IsNullOrEmpty(json)) return true;
        try
        {
            using var document = JsonDocument.Parse(json, JsonOptions);
            return RequestParameters.TryReadMap(document.RootElement, serializer, out map);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
