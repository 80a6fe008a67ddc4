using System.Text.Json.Nodes;

namespace OpenLedger.Tests.Web;

/// <summary>The checks every browser run's result is read with (the JSON a tests/web/*.mjs script prints:
/// <c>{ error?, checks: { name: true|what was seen }, pages: [{ name, readyMs, violations }], consoleErrors }</c>), so
/// each test class states only which named checks a Fact stands for.</summary>
public static class BrowserRunChecks
{
    public static void NoScriptError(JsonNode result) =>
        Assert.True(result["error"] is null, $"the browser script failed: {result["error"]}\n{result.ToJsonString()}");

    /// <summary>Each named check ran and is true (else the assertion shows what the browser saw instead).</summary>
    public static void Passed(JsonNode result, params string[] names)
    {
        var checks = result["checks"]!.AsObject();
        foreach (var name in names)
        {
            Assert.True(checks.ContainsKey(name), $"check '{name}' did not run ({result["error"]}): {checks.ToJsonString()}");
            Assert.True(checks[name]!.GetValueKind() == System.Text.Json.JsonValueKind.True, $"{name}: {checks[name]!.ToJsonString()}");
        }
    }

    public static void NoConsoleError(JsonNode result)
    {
        var errors = result["consoleErrors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>At least <paramref name="minimumPages"/> pages were audited; none has a serious or critical axe-core
    /// violation and each left its screenshot under artifacts/web.</summary>
    public static void AxeCleanWithScreenshots(JsonNode result, int minimumPages)
    {
        var pages = result["pages"]!.AsArray();
        Assert.True(pages.Count >= minimumPages, pages.ToJsonString());
        foreach (var page in pages)
        {
            var name = page!["name"]!.GetValue<string>();
            var violations = page["violations"]!.AsArray();
            Assert.True(violations.Count == 0, $"{name}: {violations.ToJsonString()}");
            Assert.True(File.Exists(Path.Combine(ExplorerBrowserRun.Screenshots, $"{name}.png")), $"no screenshot of {name}");
        }
    }
}
