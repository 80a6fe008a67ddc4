using Microsoft.AspNetCore.Http;
using OpenLedger.GraphQL.Operators;

namespace OpenLedger.Gateway.Hosting.Boundary;

/// <summary>
/// The operator-only pages: Orleans' dashboard (grain and silo internals, live call rates) and the Prometheus
/// metrics. A browser signs in once with <c>/dashboard?token=TOKEN</c> (the token is then kept in a SameSite=Strict,
/// HttpOnly cookie and dropped from the address bar); a scraper sends <c>Authorization: Bearer TOKEN</c>.
/// </summary>
public sealed class OperatorPages(RequestDelegate next, OperatorToken token)
{
    public const string Code = "OPERATOR_REQUIRED";
    private static readonly PathString Dashboard = "/dashboard";
    private static readonly PathString Metrics = "/metrics";

    /// <summary>Whether <paramref name="path"/> is one of the operator pages.</summary>
    public static bool Covers(PathString path) => path.StartsWithSegments(Dashboard) || path.StartsWithSegments(Metrics);

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var dashboard = path.StartsWithSegments(Dashboard);
        if (!dashboard && !path.StartsWithSegments(Metrics)) return next(context);
        if (OperatorAccess.IsOperator(context.User)) return next(context);

        if (dashboard && context.Request.Query["token"].ToString() is { Length: > 0 } presented && token.Matches(presented))
        {
            context.Response.Cookies.Append(RequestIdentity.CookieName, presented.Trim(), new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true,
            });
            context.Response.Redirect(Dashboard);
            return Task.CompletedTask;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.Response.WriteAsJsonAsync(new
        {
            errors = new[]
            {
                new
                {
                    message = $"{path} is for the node's operator: send Authorization: Bearer <the token in {token.Path}>" +
                              (dashboard ? ", or open /dashboard?token=<the token> once in the browser" : ""),
                    extensions = new { code = Code },
                },
            },
        });
    }
}
