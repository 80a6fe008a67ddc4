using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace OpenLedger.Gateway.Hosting.WebApp;

/// <summary>
/// Serves the web app at <c>/</c> (index.html) and <c>/assets/*</c> with strict headers: the page may run only its own
/// script and style files and talk only to this origin (its /graphql over HTTP and WebSocket); no other site may frame
/// it; nothing is sniffed or sent as a referrer. Routing inside the app is by the URL's hash, so no fallback is needed.
/// </summary>
public static class WebAppEndpoints
{
    public static void MapWebApp(this IEndpointRouteBuilder app, WebAppFiles? files = null)
    {
        files ??= WebAppFiles.Embedded;
        app.MapMethods("/", ["GET", "HEAD"], (HttpContext c) => ServeAsync(c, files.Find("/index.html")));
        app.MapMethods("/index.html", ["GET", "HEAD"], (HttpContext c) => ServeAsync(c, files.Find("/index.html")));
        app.MapMethods("/assets/{name}", ["GET", "HEAD"], (HttpContext c, string name) => ServeAsync(c, files.Find("/assets/" + name)));
    }

    /// <summary>The Content-Security-Policy for a page served to <paramref name="host"/> (already checked by host
    /// filtering). connect-src names the WebSocket URLs too: 'self' covers ws: only in newer browsers.</summary>
    public static string ContentSecurityPolicy(string host) =>
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        $"connect-src 'self' ws://{host} wss://{host}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static async Task ServeAsync(HttpContext context, WebAppFile? file)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        if (file is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            headers.CacheControl = "no-store";
            return;
        }
        if (file.ContentType.StartsWith("text/html", StringComparison.Ordinal))
            headers.ContentSecurityPolicy = ContentSecurityPolicy(context.Request.Host.Value ?? "localhost");
        headers.CacheControl = file.Immutable ? "public, max-age=31536000, immutable" : "no-cache";
        headers.ETag = file.ETag;
        headers.Vary = HeaderNames.AcceptEncoding;
        if (context.Request.Headers.IfNoneMatch.ToString() == file.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        var body = file.Bytes;
        if (file.Gzip is not null && AcceptsGzip(context.Request))
        {
            body = file.Gzip;
            headers.ContentEncoding = "gzip";
        }
        response.ContentType = file.ContentType;
        response.ContentLength = body.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
            if (value is not null && value.Contains("gzip", StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
