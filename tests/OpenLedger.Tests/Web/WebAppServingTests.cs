using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Gateway.Hosting.WebApp;

namespace OpenLedger.Tests.Web;

/// <summary>How a real node serves the web app: the embedded build at /, strict headers, cache rules, and the HTTP
/// boundary letting the app's own origin call /graphql while refusing other origins and the operator's cookie.</summary>
public sealed class WebAppServingTests(WebAppNodeFixture node) : IClassFixture<WebAppNodeFixture>
{
    private const string ChainQuery = """{"query":"{ chain { chainId } }"}""";

    [Fact]
    public async Task The_page_is_served_at_the_root_with_a_strict_content_security_policy_and_no_caching()
    {
        using var r = await node.Http.GetAsync(node.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/html", r.Content.Headers.ContentType!.MediaType);
        var csp = r.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains($"connect-src 'self' ws://127.0.0.1:{node.HttpPort} wss://127.0.0.1:{node.HttpPort};", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", r.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-cache", r.Headers.CacheControl!.ToString());

        var html = await r.Content.ReadAsStringAsync();
        // No inline script or style for the policy to have to allow, and nothing from another host.
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Matches("""<script type="module" src="/assets/app\.[0-9a-f]{16}\.js"></script>""", html);
    }

    [Fact]
    public async Task Every_asset_the_page_names_is_served_gzipped_and_cached_forever_under_its_content_hash()
    {
        var html = await node.Http.GetStringAsync(node.BaseUrl);
        var names = System.Text.RegularExpressions.Regex.Matches(html, "/assets/[^\"]+").Select(m => m.Value).ToList();
        Assert.Equal(3, names.Count); // script, stylesheet, icon
        foreach (var name in names)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseUrl, name));
            request.Headers.AcceptEncoding.ParseAdd("gzip");
            using var r = await node.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", r.Headers.CacheControl!.ToString());
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
            var bytes = await r.Content.ReadAsByteArrayAsync();
            var raw = r.Content.Headers.ContentEncoding.Contains("gzip")
                ? new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress).ReadAllBytes() : bytes;
            // The name's hash is the served bytes' (the build named it so).
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(raw))[..16];
            Assert.Contains($".{hash}.", name);
            var file = File.ReadAllBytes(Path.Combine(WebAppNodeFixture.RepositoryRoot, "web", "dist", name.TrimStart('/')));
            Assert.Equal(file, raw);

            // Revalidation answers 304 without the body.
            using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseUrl, name));
            again.Headers.TryAddWithoutValidation("If-None-Match", r.Headers.ETag!.ToString());
            using var notModified = await node.Http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }
    }

    [Fact]
    public async Task An_unknown_asset_is_404_and_not_cached()
    {
        using var r = await node.Http.GetAsync(new Uri(node.BaseUrl, "/assets/app.0000000000000000.js"));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal("no-store", r.Headers.CacheControl!.ToString());
        // Files come from the assembly's embedded resources, never the disk: paths that climb out reach nothing.
        foreach (var path in new[] { "/assets/..%2f..%2fappsettings.json", "/assets/%2e%2e/%2e%2e/etc/passwd", "/assets/..\\web.config", "/openledger.dll" })
        {
            using var climb = await node.Http.GetAsync(new Uri(node.BaseUrl, path));
            Assert.Equal(HttpStatusCode.NotFound, climb.StatusCode);
        }
    }

    [Fact]
    public async Task The_apps_own_origin_may_call_graphql_and_open_a_socket_while_another_origin_is_refused()
    {
        var own = $"http://127.0.0.1:{node.HttpPort}";
        using (var r = await PostAsync(origin: own, site: "same-origin"))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await PostAsync(origin: "http://evil.example", site: "cross-site"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Contains("ORIGIN_NOT_ALLOWED", await r.Content.ReadAsStringAsync());
        }

        // The WebSocket upgrade the page makes (graphql-transport-ws) from its own origin, and from another.
        using (var ws = new System.Net.WebSockets.ClientWebSocket())
        {
            ws.Options.AddSubProtocol("graphql-transport-ws");
            ws.Options.SetRequestHeader("Origin", own);
            await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{node.HttpPort}/graphql"), CancellationToken.None);
            Assert.Equal("graphql-transport-ws", ws.SubProtocol);
            await ws.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        using (var ws = new System.Net.WebSockets.ClientWebSocket())
        {
            ws.Options.AddSubProtocol("graphql-transport-ws");
            ws.Options.SetRequestHeader("Origin", "http://evil.example");
            await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() =>
                ws.ConnectAsync(new Uri($"ws://127.0.0.1:{node.HttpPort}/graphql"), CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_link_from_another_site_opens_the_page_but_reaches_nothing_else()
    {
        // A shared link to a transaction: the browser navigates top-level, cross-site, to the page.
        using (var r = await GetAsync("/", site: "cross-site", mode: "navigate"))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("text/html", r.Content.Headers.ContentType!.MediaType);
        }
        // The same site's page fetching it (not a navigation), a link straight to the API, and the operator's pages
        // from another site stay refused.
        foreach (var (path, mode) in new[] { ("/", "cors"), ("/graphql?query=%7Bchain%7BchainId%7D%7D", "navigate"), ("/dashboard", "navigate"), ("/assets/x.js", "navigate") })
        {
            using var r = await GetAsync(path, site: "cross-site", mode: mode);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Contains("ORIGIN_NOT_ALLOWED", await r.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_operators_dashboard_cookie_does_not_make_the_apps_graphql_requests_the_operators()
    {
        // The operator signed in to /dashboard in this browser: the cookie rides along with every same-origin request,
        // including the web app's. An operator-only mutation through it must still be refused...
        const string Admin = """{"query":"mutation { cancelTrainingJob(id: \"0x0000000000000000000000000000000000000000000000000000000000000001\") { id } }"}""";
        using var withCookie = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUrl, "/graphql"))
        {
            Content = new StringContent(Admin, Encoding.UTF8, "application/json"),
        };
        withCookie.Headers.Add("Cookie", $"openledger-operator={node.OperatorToken}");
        using var r = await node.Http.SendAsync(withCookie);
        Assert.Contains("OPERATOR_REQUIRED", await r.Content.ReadAsStringAsync());

        // ...while the same cookie still opens the operator's pages, and the Bearer header still works on /graphql.
        using var metrics = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseUrl, "/metrics"));
        metrics.Headers.Add("Cookie", $"openledger-operator={node.OperatorToken}");
        using var m = await node.Http.SendAsync(metrics);
        Assert.Equal(HttpStatusCode.OK, m.StatusCode);
        using var bearer = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUrl, "/graphql"))
        {
            Content = new StringContent(Admin, Encoding.UTF8, "application/json"),
        };
        bearer.Headers.Authorization = new("Bearer", node.OperatorToken);
        using var b = await node.Http.SendAsync(bearer);
        Assert.DoesNotContain("OPERATOR_REQUIRED", await b.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Only_content_hashed_asset_names_are_immutable()
    {
        Assert.True(WebAppFile.Create("/assets/app.0123456789abcdef.js", "x"u8.ToArray()).Immutable);
        Assert.False(WebAppFile.Create("/assets/app.js", "x"u8.ToArray()).Immutable);
        Assert.False(WebAppFile.Create("/index.html", "x"u8.ToArray()).Immutable);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string site, string mode)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseUrl, path));
        request.Headers.Add("Sec-Fetch-Site", site);
        request.Headers.Add("Sec-Fetch-Mode", mode);
        return await node.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PostAsync(string origin, string site)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUrl, "/graphql"))
        {
            Content = new StringContent(ChainQuery, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Sec-Fetch-Site", site);
        return await node.Http.SendAsync(request);
    }
}

internal static class StreamExtensions
{
    public static byte[] ReadAllBytes(this Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
