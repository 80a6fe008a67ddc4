using System.Net.WebSockets;
using GraphQL;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenLedger.GraphQL.Transport.Execution;

namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>
/// Accepts a WebSocket upgrade on the GraphQL path. Only the <c>graphql-transport-ws</c> subprotocol is spoken; a
/// client asking for anything else (including the legacy <c>graphql-ws</c> of subscriptions-transport-ws) is accepted
/// and closed at once with 4406 "Subprotocol not acceptable", as graphql-ws's own server does, so it learns why
/// instead of seeing a bare handshake failure.
/// </summary>
internal sealed class GraphQLWsHandler(GraphQLOperationExecutor executor, GraphQLTransportCounters counters, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("OpenLedger.GraphQL.Transport.WebSockets");

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(GraphQLWsProtocol.SubProtocol, StringComparer.Ordinal))
        {
            using var rejected = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            await RejectAsync(rejected, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(GraphQLWsProtocol.SubProtocol).ConfigureAwait(false);
        var connection = new GraphQLWsConnection(socket, executor, context.RequestServices.GetRequiredService<IGraphQLTextSerializer>(),
            counters, context.RequestServices, context.User, _logger);
        await connection.RunAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task RejectAsync(WebSocket socket, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)GraphQLWsCloseCodes.SubprotocolNotAcceptable, "Subprotocol not acceptable", timeout.Token)
                .ConfigureAwait(false);
            // Read until the client's close frame so the close handshake completes cleanly.
            var scratch = new byte[1024];
            while ((await socket.ReceiveAsync(scratch.AsMemory(), timeout.Token).ConfigureAwait(false)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }
}
