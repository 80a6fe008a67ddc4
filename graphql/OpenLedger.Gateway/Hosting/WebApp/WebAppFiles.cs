using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace OpenLedger.Gateway.Hosting.WebApp;

/// <summary>
/// The web app's built files (web/dist, embedded into this assembly at build time, so a node needs no Node.js), held in
/// memory with a gzip copy made once at start-up. Asset names carry a hash of their bytes, so they are cached forever;
/// index.html names the current ones and is revalidated every time.
/// </summary>
public sealed class WebAppFiles
{
    private const string Prefix = "web/";
    private readonly Dictionary<string, WebAppFile> files;

    public WebAppFiles(Assembly assembly)
    {
        files = new Dictionary<string, WebAppFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var path = "/" + name[Prefix.Length..].Replace('\\', '/');
            files[path] = WebAppFile.Create(path, copy.ToArray());
        }
    }

    public static WebAppFiles Embedded { get; } = new(typeof(WebAppFiles).Assembly);

    /// <summary>The file at this request path ("/index.html", "/assets/app.1234.js"), if the build has it.</summary>
    public WebAppFile? Find(string path) => files.GetValueOrDefault(path);

    public IEnumerable<string> Paths => files.Keys;
}

/// <summary>One built file: its bytes, a gzip copy when that is smaller, its type and an ETag.</summary>
public sealed record WebAppFile(string Path, byte[] Bytes, byte[]? Gzip, string ContentType, string ETag, bool Immutable)
{
    public static WebAppFile Create(string path, byte[] bytes)
    {
        var type = System.IO.Path.GetExtension(path) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        byte[]? gzip = null;
        if (type.StartsWith("text/", StringComparison.Ordinal) || type == "image/svg+xml")
        {
            using var buffer = new MemoryStream();
            using (var z = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(bytes);
            if (buffer.Length < bytes.Length) gzip = buffer.ToArray();
        }
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"";
        // Only names the build derived from the content (app.<16 hex>.js) may be cached forever.
        var immutable = path.StartsWith("/assets/", StringComparison.Ordinal)
                        && System.Text.RegularExpressions.Regex.IsMatch(path, @"\.[0-9a-f]{16}\.[a-z]+$");
        return new WebAppFile(path, bytes, gzip, type, etag, immutable);
    }
}
