using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace OpenLedger.Gateway.Hosting.Boundary;

/// <summary>
/// Caps the WebSocket connections open at once, per client address and in all: each holds memory, a receive loop
/// and possibly stream subscriptions, so an unbounded number is a cheap way to exhaust a node. Over a cap the upgrade
/// is answered 429 with <c>TOO_MANY_CONNECTIONS</c> before any socket is accepted. Runs after
/// <c>UseWebSockets()</c>, which is what marks a request as an upgrade.
/// </summary>
public sealed class WebSocketLimits(RequestDelegate next, int perClient, int total)
{
    public const string Code = "TOO_MANY_CONNECTIONS";

    private readonly ConcurrentDictionary<IPAddress, int> _open = new();
    private int _total;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await next(context);
            return;
        }
        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        var mine = _open.AddOrUpdate(client, 1, (_, n) => n + 1);
        var all = Interlocked.Increment(ref _total);
        try
        {
            if (mine > perClient || all > total)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await context.Response.WriteAsJsonAsync(new
                {
                    errors = new[] { new { message = mine > perClient
                        ? $"this client already holds {perClient} WebSocket connections; close one first"
                        : $"this node holds its maximum of {total} WebSocket connections; retry later", extensions = new { code = Code } } },
                });
                return;
            }
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _total);
            if (_open.AddOrUpdate(client, 0, (_, n) => n - 1) <= 0) _open.TryRemove(new KeyValuePair<IPAddress, int>(client, 0));
        }
    }
}
