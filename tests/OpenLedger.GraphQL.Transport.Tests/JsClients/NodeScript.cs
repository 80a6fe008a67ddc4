using System.Diagnostics;
using System.Text.Json;

namespace OpenLedger.GraphQL.Transport.Tests.JsClients;

/// <summary>Runs one of the scripts in tests/js-graphql with node and returns the JSON line it prints.</summary>
public static class NodeScript
{
    public static string Directory { get; } = FindScriptsDirectory();

    public static async Task<JsonElement> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Directory, script));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"node {script} timed out; stderr: {await stderr}");
        }
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node {script} exited {process.ExitCode}; stdout: {output}; stderr: {await stderr}");
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    private static string FindScriptsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "js-graphql");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException("tests/js-graphql not found above " + AppContext.BaseDirectory);
    }
}
