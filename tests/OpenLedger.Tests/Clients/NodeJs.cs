using System.Diagnostics;
using System.Text.Json.Nodes;

namespace OpenLedger.Tests.Clients;

/// <summary>Runs the real npm clients in <c>tests/js</c>: <c>node &lt;script&gt;</c> with JSON on stdin, JSON back on stdout.
/// The packages are installed by <c>npm ci --prefix tests/js</c> (CI runs it before the tests).</summary>
public static class NodeJs
{
    private static readonly Lazy<string> Folder = new(FindJsFolder);

    /// <summary>The <c>tests/js</c> folder of this repository.</summary>
    public static string JsFolder => Folder.Value;

    /// <summary>Runs <c>node <paramref name="script"/></c> in <c>tests/js</c>, writes <paramref name="input"/> to its stdin
    /// and returns its stdout parsed as JSON. Throws with the script's stderr if it exits non-zero.</summary>
    public static Task<JsonNode> RunAsync(string script, JsonNode input, TimeSpan? timeout = null) =>
        RunAsync(JsFolder, script, input, timeout);

    /// <summary>The <c>tests/js-graphql</c> folder of this repository (graphql, graphql-ws, ws, ethers).</summary>
    public static string JsGraphQLFolder => Path.Combine(Path.GetDirectoryName(JsFolder)!, "js-graphql");

    /// <summary>Like <see cref="RunAsync(string, JsonNode, TimeSpan?)"/>, for a script in another npm folder
    /// (e.g. <see cref="JsGraphQLFolder"/>), which must have its node_modules installed.</summary>
    public static async Task<JsonNode> RunAsync(string folder, string script, JsonNode input, TimeSpan? timeout = null)
    {
        var scriptPath = Path.Combine(folder, script);
        if (!File.Exists(scriptPath)) throw new FileNotFoundException($"no script {script} in {folder}", scriptPath);
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
            throw new InvalidOperationException(
                $"{folder}/node_modules is missing: run `npm ci --prefix tests/{Path.GetFileName(folder)}` from the repository root first.");

        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        psi.ArgumentList.Add(scriptPath);

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("could not start `node` (Node.js 20+ must be on PATH)", e);
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.StandardInput.WriteAsync(input.ToJsonString());
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"node {script} did not finish within {timeout ?? TimeSpan.FromSeconds(60)}");
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"node {script} exited with code {process.ExitCode}:\n{errors}");
        return JsonNode.Parse(output)
            ?? throw new InvalidOperationException($"node {script} printed no JSON (stderr: {errors})");
    }

    private static string FindJsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenLedger.sln")))
                return Path.Combine(dir.FullName, "tests", "js");
        }
        throw new InvalidOperationException($"no OpenLedger.sln above {AppContext.BaseDirectory}: cannot find tests/js");
    }
}
