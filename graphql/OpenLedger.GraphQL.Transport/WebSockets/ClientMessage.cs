using System.Text.Json;
using GraphQL;
using OpenLedger.GraphQL.Transport.Execution;

namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>
/// One message from the client, checked against the protocol's shapes. Anything else (not JSON, not an object, an
/// unknown or server-only type, a missing id, a subscribe payload that is not a well-formed request) is an invalid
/// message, which the protocol answers by closing the socket with 4400.
/// </summary>
internal sealed record ClientMessage(string Type, string? Id, GraphQLOperationRequest? Request)
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 64 };

    public static bool TryParse(ReadOnlyMemory<byte> utf8, IGraphQLTextSerializer serializer, out ClientMessage? message, out string error)
    {
        message = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, JsonOptions);
        }
        catch (JsonException)
        {
            error = "Invalid message received: not JSON";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                error = "Invalid message received: expected an object with a string 'type'";
                return false;
            }

            var type = typeElement.GetString()!;
            switch (type)
            {
                case GraphQLWsProtocol.ConnectionInit:
                case GraphQLWsProtocol.Ping:
                case GraphQLWsProtocol.Pong:
                    // The payload is optional and free-form, but when present it must be an object.
                    if (root.TryGetProperty("payload", out var payload) && payload.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                        return Invalid($"'{type}' payload must be an object", out error);
                    message = new ClientMessage(type, null, null);
                    break;

                case GraphQLWsProtocol.Complete:
                    if (!TryReadId(root, out var completeId)) return Invalid("'complete' needs a non-empty string 'id'", out error);
                    message = new ClientMessage(type, completeId, null);
                    break;

                case GraphQLWsProtocol.Subscribe:
                    if (!TryReadId(root, out var subscribeId)) return Invalid("'subscribe' needs a non-empty string 'id'", out error);
                    if (!root.TryGetProperty("payload", out var request))
                        return Invalid("'subscribe' needs a payload", out error);
                    if (!RequestParameters.TryRead(request, serializer, out var parsed, out var requestError))
                        return Invalid("'subscribe' payload: " + requestError, out error);
                    message = new ClientMessage(type, subscribeId, parsed);
                    break;

                default:
                    // Includes server-to-client types (connection_ack, next, error) sent the wrong way.
                    return Invalid($"Unexpected message of type {type} received", out error);
            }
        }

        error = "";
        return true;
    }

    private static bool TryReadId(JsonElement root, out string id)
    {
        id = "";
        if (!root.TryGetProperty("id", out var element) || element.ValueKind != JsonValueKind.String) return false;
        id = element.GetString()!;
        return id.Length > 0;
    }

    private static bool Invalid(string reason, out string error)
    {
        error = reason;
        return false;
    }
}
