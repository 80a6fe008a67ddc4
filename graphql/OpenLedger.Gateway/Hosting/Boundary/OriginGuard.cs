using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace OpenLedger.Gateway.Hosting.Boundary;

/// <summary>
/// Refuses requests that a web page of another site makes the operator's browser send (cross-site WebSocket
/// hijacking, cross-site GETs and form posts). A request is from a page of another site when it carries an
/// <c>Origin</c> that is neither this node's own (same scheme, host and port as the request) nor one the operator
/// allowed, or, with no Origin, when the browser says so in <c>Sec-Fetch-Site</c>. Programs (curl, ethers, graphql-ws
/// in Node) send neither header and are not affected. Host names are checked before this (host filtering), which is
/// what stops DNS rebinding: a rebinding page's requests carry the attacker's host name.
/// </summary>
public sealed class OriginGuard(RequestDelegate next, IReadOnlySet<string> allowedOrigins)
{
    public const string Code = "ORIGIN_NOT_ALLOWED";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var origin = request.Headers.Origin;
        if (!StringValues.IsNullOrEmpty(origin))
        {
            if (IsAllowed(origin.ToString(), request)) return next(context);
            return RefuseAsync(context, $"requests from pages of {origin} are not accepted by this node (allow it with --allowed-origins)");
        }
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "cross-site" or "same-site" && !IsLinkToTheWebApp(request))
            return RefuseAsync(context, "requests made by pages of other sites are not accepted by this node");
        return next(context);
    }

    /// <summary>A person following a link from another site to the web app's page (a shared <c>/#/tx/0x…</c>): a
    /// top-level GET of the static page, which reads nothing and changes nothing; its own requests then come from this
    /// origin. Only the page itself: its API calls, the operator pages and anything else stay refused.</summary>
    private static bool IsLinkToTheWebApp(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.Headers["Sec-Fetch-Mode"].ToString() == "navigate"
        && request.Path.Value is "/" or "/index.html";

    private bool IsAllowed(string origin, HttpRequest request)
    {
        if (allowedOrigins.Contains(origin.TrimEnd('/'))) return true;
        // The node's own pages: the origin names the very scheme, host and port the request was sent to.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
               && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
               && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsJsonAsync(new { errors = new[] { new { message, extensions = new { code = Code } } } });
    }
}
