using System.Diagnostics;

namespace OpenLedger.Tests.Web;

/// <summary>The web app's sources type-check: `npm run typecheck --prefix web` (tsc --noEmit, strict) run as a test, so
/// a type error fails CI. esbuild strips types without checking them: without this, a wrong field name in a page
/// would build, pass the reproducibility check and break only in a browser.</summary>
public sealed class WebAppTypecheckTests
{
    [Fact]
    public async Task The_web_sources_type_check_with_no_error()
    {
        var web = Path.Combine(WebAppNodeFixture.RepositoryRoot, "web");
        var tsc = Path.Combine(web, "node_modules", "typescript", "bin", "tsc");
        Assert.True(File.Exists(tsc), "web/node_modules is missing: run `npm ci --prefix web` first (CI does)");
        // The same command as `npm run typecheck` (package.json's script), without npm in between: tsc's own exit code.
        var psi = new ProcessStartInfo("node") { WorkingDirectory = web, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { tsc, "--noEmit", "-p", "." }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(p.ExitCode == 0, $"tsc found type errors in web/src (exit {p.ExitCode}):\n{await stdout}{await stderr}");
    }
}
