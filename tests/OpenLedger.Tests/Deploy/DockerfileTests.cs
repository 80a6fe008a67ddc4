using System.Text.RegularExpressions;
using OpenLedger.Tests.Architecture;

namespace OpenLedger.Tests.Deploy;

/// <summary>deploy/Dockerfile read as text (docker is not on the test machines): its stages, what it copies and from where,
/// and that the core image leaves out exactly TorchSharp's native libraries of the built output.</summary>
public sealed class DockerfileTests
{
    private static string[] Lines() => File.ReadAllLines(Path.Combine(DeployYaml.Directory, "Dockerfile"));

    /// <summary>The stage names, in order (FROM ... AS name).</summary>
    public static IReadOnlyList<string> Stages() =>
        Lines().Select(l => Regex.Match(l, @"^FROM\s+\S+\s+AS\s+(\S+)$", RegexOptions.IgnoreCase)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Whether the core image's build stage deletes <paramref name="fileName"/> (a native library of the ML role).</summary>
    public static bool RemovedFromCore(string fileName) =>
        RemovedPatterns().Any(pattern => Regex.IsMatch(fileName, "^" + Regex.Escape(pattern).Replace(@"\*", ".*") + "$"));

    private static List<string> RemovedPatterns() =>
        Regex.Matches(string.Join('\n', Lines()), @"/out/core/(lib[^\s\\]+)").Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public async Task Each_image_runs_its_own_role_by_default()
    {
        var run = await NodeCommandLine.RunOptionsAsync();
        var gateway = NodeCommandLine.GatewayOptions();
        var defaults = new Dictionary<string, NodeCommandLine>();
        string? stage = null;
        foreach (var line in Lines())
        {
            if (Regex.Match(line, @"^FROM\s+\S+\s+AS\s+(\S+)$") is { Success: true } from) stage = from.Groups[1].Value;
            else if (Regex.Match(line, @"^CMD\s+(\[.*\])$") is { Success: true } cmd)
                defaults[stage!] = NodeCommandLine.Parse($"Dockerfile stage {stage} CMD", System.Text.Json.JsonSerializer.Deserialize<string[]>(cmd.Groups[1].Value)!, run, gateway);
        }
        Assert.Equal(["core", "ml"], defaults.Keys.Order());
        Assert.True(defaults["core"] is { Verb: "run", Roles: OpenLedger.Grains.Hosting.SiloRoles.Core });
        Assert.True(defaults["ml"] is { Verb: "run", Roles: OpenLedger.Grains.Hosting.SiloRoles.Ml });
    }

    [Fact]
    public void Stages_build_on_earlier_ones_and_copy_only_what_exists()
    {
        Assert.Equal(["build", "runtime", "core", "ml"], Stages());
        var seen = new List<string>();
        foreach (var line in Lines())
        {
            if (Regex.Match(line, @"^FROM\s+(\S+)\s+AS\s+(\S+)$") is { Success: true } from)
            {
                var image = from.Groups[1].Value;
                Assert.True(seen.Contains(image) || image.StartsWith("mcr.microsoft.com/dotnet/", StringComparison.Ordinal), $"FROM {image}");
                seen.Add(from.Groups[2].Value);
            }
            else if (Regex.Match(line, @"^COPY\s+--from=(\S+)\s") is { Success: true } copyFrom)
                Assert.Contains(copyFrom.Groups[1].Value, seen);
            else if (Regex.Match(line, @"^COPY\s+(?!--)(.+)\s+\S+$") is { Success: true } copy)
            {
                foreach (var source in copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    Assert.True(Path.Exists(Path.Combine(ProjectReferenceTests.RepositoryRoot(), source)), $"COPY {source}: not in the repository");
            }
        }
        var publish = Regex.Match(string.Join('\n', Lines()), @"dotnet publish (\S+\.csproj)");
        Assert.True(File.Exists(Path.Combine(ProjectReferenceTests.RepositoryRoot(), publish.Groups[1].Value)), publish.Value);
    }

    [Fact]
    public void The_runtime_runs_as_an_unprivileged_user_checks_healthz_and_bakes_in_no_secret()
    {
        var text = string.Join('\n', Lines());
        Assert.Matches(@"\nUSER 10001:10001\n", text);
        Assert.Matches(@"HEALTHCHECK [^\n]*\\\n\s+CMD curl --fail [^\n]*http://127\.0\.0\.1:\$\{OPENLEDGER_HTTP_PORT:-8080\}/healthz", text);
        Assert.Equal(8080, OpenLedger.Silo.Configuration.NodeSettings.DefaultHttpPort);
        // ENV and ARG carry no key, token, password or connection string; those arrive at run time.
        foreach (var line in Lines().Where(l => Regex.IsMatch(l, @"^\s*(ENV|ARG)\b|^\s+[A-Z_]+=")))
            Assert.DoesNotMatch(@"(?i)KEY|TOKEN|PASSWORD|POSTGRES|CERT|SECRET", line);
    }

    [Fact]
    public void The_core_image_drops_every_TorchSharp_native_library_of_the_built_output_and_keeps_the_others()
    {
        // The test's own output has the same packages' linux-x64 natives as the node's publish output.
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        var files = System.IO.Directory.GetFiles(native).Select(Path.GetFileName).Cast<string>().ToList();
        foreach (var pattern in RemovedPatterns())
            Assert.True(files.Any(f => Regex.IsMatch(f, "^" + Regex.Escape(pattern).Replace(@"\*", ".*") + "$")), $"rm {pattern}: no such file in {native}");
        Assert.Equal(["libe_sqlite3.so", "libsecp256k1.so"], files.Where(f => !RemovedFromCore(f)).Order());
        Assert.Contains(files, f => f.StartsWith("libtorch", StringComparison.Ordinal));
    }
}
