using Microsoft.AspNetCore.Http;
using OpenLedger.GraphQL.Operators;

namespace OpenLedger.Gateway.Hosting.Boundary;

/// <summary>
/// Gives every request its user (<see cref="OperatorAccess.Principal"/>): the client's address, and the operator role
/// when the request carries the operator token, in <c>Authorization: Bearer</c> (programs, Prometheus) or in the
/// session cookie a browser gets from <c>/dashboard?token=...</c>. The cookie is HttpOnly and SameSite=Strict, so
/// another site's page cannot make the browser send it. The cookie counts only on the operator pages (/dashboard,
/// /metrics): the node's own web app, a page of the same origin, must not act as the operator when the operator's
/// browser opens it, so its /graphql requests stay public even when the browser sends the cookie along. The public API
/// stays public; administration checks the role.
/// </summary>
public sealed class RequestIdentity(RequestDelegate next, OperatorToken token)
{
    public const string CookieName = "openledger-operator";

    public Task InvokeAsync(HttpContext context)
    {
        var presented = BearerToken(context.Request)
                        ?? (OperatorPages.Covers(context.Request.Path) ? context.Request.Cookies[CookieName] : null);
        context.User = OperatorAccess.Principal(context.Connection.RemoteIpAddress, token.Matches(presented));
        return next(context);
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..] : null;
    }
}
