using OpenLedger.Cli.CommandLine;
using OpenLedger.Grains.Hosting;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;

namespace OpenLedger.Tests.Roles;

/// <summary>`run --roles`: the names in any order and case, all three by default, --no-ml as the older spelling of
/// core,gateway, and a usage error naming the valid roles for anything else. (The environment's OPENLEDGER_ROLES and
/// OPENLEDGER_NO_ML are read by the same code; tests do not set process-wide variables that other tests read.)</summary>
public sealed class RolesOptionTests
{
    private static SiloRoles Roles(params string[] argv) => NodeSettings.From(new Args(["run", .. argv])).Roles;

    [Fact]
    public void Default_is_every_role_and_names_combine_in_any_order_and_case()
    {
        Assert.Equal(SiloRoles.All, Roles());
        Assert.Equal(SiloRoles.Core, Roles("--roles", "core"));
        Assert.Equal(SiloRoles.Ml, Roles("--roles", "ML"));
        Assert.Equal(SiloRoles.Core | SiloRoles.Gateway, Roles("--roles", "Gateway, core"));
        Assert.Equal(SiloRoles.All, Roles("--roles", "gateway,ml,core,ml"));
        var settings = NodeSettings.From(new Args(["run", "--roles", "ml"]));
        Assert.True(settings is { Ml: true, HostsLedger: false, ServesGateway: false });
    }

    [Fact]
    public void No_ml_is_core_and_gateway_and_cannot_be_combined_with_roles()
    {
        Assert.Equal(SiloRoles.Core | SiloRoles.Gateway, Roles("--no-ml"));
        var e = Assert.Throws<UsageException>(() => Roles("--no-ml", "--roles", "core"));
        Assert.Contains("not both", e.Message);
    }

    [Theory]
    [InlineData("core,storage", "unknown role 'storage'")]
    [InlineData("core,,ml", "an empty role")]
    [InlineData("", "an empty role")]
    [InlineData("core, ", "an empty role")]
    public void An_unknown_or_empty_role_is_a_usage_error_naming_the_valid_ones(string value, string expected)
    {
        var e = Assert.Throws<UsageException>(() => Roles("--roles", value));
        Assert.Contains(expected, e.Message);
        Assert.Contains("core, ml, gateway", e.Message);
    }

    /// <summary>The environment's spelling, read by the real executable (a child process: the test process's own
    /// environment is shared by tests running beside this one).</summary>
    [Theory]
    [InlineData("OPENLEDGER_ROLES=core,storage", "OPENLEDGER_ROLES: unknown role 'storage'; the roles are core, ml, gateway")]
    [InlineData("OPENLEDGER_ROLES=core|OPENLEDGER_NO_ML=1", "set OPENLEDGER_ROLES or OPENLEDGER_NO_ML, not both")]
    public async Task The_environment_sets_roles_with_the_same_checks(string environment, string expected)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(OpenLedger.Tests.Crash.NodeProcess.ExecutablePath);
        psi.ArgumentList.Add("run");
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OPENLEDGER_", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        foreach (var pair in environment.Split('|'))
            psi.Environment[pair.Split('=')[0]] = pair.Split('=', 2)[1];
        using var process = System.Diagnostics.Process.Start(psi)!;
        var said = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode != 0, said);
        Assert.Contains(expected, said);
    }

    [Fact]
    public void Roles_without_a_value_is_a_usage_error() =>
        Assert.Throws<UsageException>(() => Roles("--roles"));

    [Fact]
    public async Task A_silo_with_no_role_is_refused_at_start()
    {
        var settings = NodeSettings.From(new Args(["run", "--data-dir", Path.Combine(Path.GetTempPath(), "openledger-no-role-" + Guid.NewGuid().ToString("N"))])) with { Roles = SiloRoles.None };
        var e = await Assert.ThrowsAsync<UsageException>(() => NodeHost.BuildAsync(settings));
        Assert.Contains("at least one role", e.Message);
        Assert.False(Directory.Exists(settings.DataDirectory), "refused before it made anything");
    }
}
