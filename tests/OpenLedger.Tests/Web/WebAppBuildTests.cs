using System.Diagnostics;

namespace OpenLedger.Tests.Web;

/// <summary>The committed web/dist is what the sources build to, byte for byte: esbuild from web/package-lock.json's
/// pinned versions, rebuilt into a temp folder and compared file by file.</summary>
public sealed class WebAppBuildTests
{
    [Fact]
    public async Task Building_the_web_sources_reproduces_the_committed_dist_byte_for_byte()
    {
        var root = WebAppNodeFixture.RepositoryRoot;
        var web = Path.Combine(root, "web");
        Assert.True(Directory.Exists(Path.Combine(web, "node_modules", "esbuild")),
            "web/node_modules is missing: run `npm ci --prefix web` first (CI does)");
        var temp = Path.Combine(Path.GetTempPath(), $"openledger-web-dist-{Guid.NewGuid():N}");
        try
        {
            var psi = new ProcessStartInfo("node") { WorkingDirectory = web, RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add("build.mjs");
            psi.ArgumentList.Add("--out");
            psi.ArgumentList.Add(temp);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(p.ExitCode == 0, $"node build.mjs failed: {await stderr}");

            var committed = Files(Path.Combine(web, "dist"));
            var rebuilt = Files(temp);
            Assert.True(committed.Keys.Order().SequenceEqual(rebuilt.Keys.Order()),
                $"web/dist is stale: it has [{string.Join(", ", committed.Keys.Order())}], the sources build [{string.Join(", ", rebuilt.Keys.Order())}]; " +
                "rebuild with `npm ci --prefix web && npm run build --prefix web` and commit web/dist");
            foreach (var (name, path) in committed)
                Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(rebuilt[name])), $"web/dist/{name} differs from the rebuilt one");
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    private static Dictionary<string, string> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'));
}
