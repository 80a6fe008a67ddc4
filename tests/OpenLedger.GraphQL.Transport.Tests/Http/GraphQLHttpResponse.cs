using System.Net;
using System.Text;
using System.Text.Json;

namespace OpenLedger.GraphQL.Transport.Tests.Http;

/// <summary>A response as a client sees it: status, media type, headers and the parsed body.</summary>
public sealed record GraphQLHttpResponse(HttpStatusCode Status, string? MediaType, HttpResponseMessage Message, JsonElement? Body)
{
    public const string GraphQLResponseJson = "application/graphql-response+json";
    public const string Json = "application/json";

    public bool HasData => Body is { } body && body.TryGetProperty("data", out _);

    public JsonElement Data => Body!.Value.GetProperty("data");

    public IReadOnlyList<JsonElement> Errors =>
        Body is { } body && body.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateArray()] : [];

    public IReadOnlyList<string> ErrorCodes => [.. Errors.Select(e => e.GetProperty("extensions").GetProperty("code").GetString()!)];

    public static async Task<GraphQLHttpResponse> ReadAsync(HttpResponseMessage message)
    {
        var text = await message.Content.ReadAsStringAsync();
        JsonElement? body = null;
        if (text.Length > 0)
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        return new GraphQLHttpResponse(message.StatusCode, message.Content.Headers.ContentType?.MediaType, message, body);
    }

    public override string ToString() => $"{(int)Status} {MediaType} {Body}";
}

/// <summary>Builds GraphQL requests the way clients send them.</summary>
public static class GraphQLRequests
{
    public static string Body(string query, object? variables = null, string? operationName = null) =>
        JsonSerializer.Serialize(new { query, variables, operationName });

    public static async Task<GraphQLHttpResponse> PostAsync(this HttpClient client, Uri uri, string body,
        string? accept = GraphQLHttpResponse.GraphQLResponseJson, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return await GraphQLHttpResponse.ReadAsync(await client.SendAsync(request));
    }

    public static async Task<GraphQLHttpResponse> GetAsync(this HttpClient client, Uri uri, string queryString,
        string? accept = GraphQLHttpResponse.GraphQLResponseJson)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(uri) { Query = queryString }.Uri);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return await GraphQLHttpResponse.ReadAsync(await client.SendAsync(request));
    }

    public static string Query(params (string Name, string Value)[] parameters) =>
        string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
}
