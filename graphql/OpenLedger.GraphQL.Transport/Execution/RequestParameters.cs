using System.Text.Json;
using GraphQL;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// Reads the request parameters out of a JSON object (a POST body or a <c>subscribe</c> payload) and decides whether
/// they form a well-formed request. The spec is exact here: <c>query</c> is a required string, <c>operationName</c> an
/// optional string, <c>variables</c> and <c>extensions</c> optional maps, and <c>null</c> means "absent". Other
/// properties are reserved for future use, so they are ignored rather than rejected.
/// </summary>
internal static class RequestParameters
{
    public static bool TryRead(JsonElement body, IGraphQLTextSerializer serializer, out GraphQLOperationRequest? request, out string? error)
    {
        request = null;
        if (body.ValueKind != JsonValueKind.Object)
            return Fail("The request must be a JSON object.", out error);

        string? query = null, operationName = null;
        Inputs? variables = null, extensions = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "query":
                    if (value.ValueKind == JsonValueKind.Null) break;
                    if (value.ValueKind != JsonValueKind.String) return Fail("'query' must be a string.", out error);
                    query = value.GetString();
                    break;
                case "operationName":
                    if (value.ValueKind == JsonValueKind.Null) break;
                    if (value.ValueKind != JsonValueKind.String) return Fail("'operationName' must be a string or null.", out error);
                    operationName = value.GetString();
                    break;
                case "variables":
                    if (!TryReadMap(value, serializer, out variables)) return Fail("'variables' must be an object or null.", out error);
                    break;
                case "extensions":
                    if (!TryReadMap(value, serializer, out extensions)) return Fail("'extensions' must be an object or null.", out error);
                    break;
            }
        }

        if (query is null)
            return Fail("'query' is required.", out error);

        // An empty operationName means "not given" on GET (the spec says so); POST is treated the same way so one
        // request means the same thing whichever way it arrives.
        request = new GraphQLOperationRequest(query, string.IsNullOrEmpty(operationName) ? null : operationName, variables, extensions);
        error = null;
        return true;
    }

    /// <summary>
    /// Converts a JSON object into GraphQL.NET's <see cref="Inputs"/> with the host's serializer, so variables get the
    /// same number and string handling as everywhere else in GraphQL.NET.
    /// </summary>
    public static bool TryReadMap(JsonElement value, IGraphQLTextSerializer serializer, out Inputs? map)
    {
        map = null;
        if (value.ValueKind == JsonValueKind.Null) return true;
        if (value.ValueKind != JsonValueKind.Object) return false;
        try
        {
            map = serializer.Deserialize<Inputs>(value.GetRawText());
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException or NotSupportedException)
        {
            return false;
        }
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
