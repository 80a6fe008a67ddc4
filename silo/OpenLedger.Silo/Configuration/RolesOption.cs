using OpenLedger.Cli.CommandLine;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Silo.Configuration;

/// <summary>
/// The silo's roles: <c>--roles core,ml,gateway</c> (or OPENLEDGER_ROLES; any order and case; all three by default).
/// <c>--no-ml</c> (or OPENLEDGER_NO_ML) stays as the older spelling of <c>--roles core,gateway</c>; giving both is a usage
/// error, as is an unknown or empty role, so a typo never starts a silo that silently hosts less than meant.
/// </summary>
public static class RolesOption
{
    public const string Valid = "core, ml, gateway";

    public static SiloRoles From(Args args)
    {
        var noMlFlag = args.Has("no-ml");
        var noMlEnv = Environment.GetEnvironmentVariable("OPENLEDGER_NO_ML") is not (null or "" or "0");
        if (args.Has("roles"))
        {
            if (noMlFlag) throw new UsageException("give --roles or --no-ml, not both (--no-ml is --roles core,gateway)");
            return Parse(args.Value("roles") ?? "", "--roles");
        }
        if (noMlFlag) return SiloRoles.Core | SiloRoles.Gateway;
        if (Environment.GetEnvironmentVariable("OPENLEDGER_ROLES") is { Length: > 0 } env)
        {
            if (noMlEnv) throw new UsageException("set OPENLEDGER_ROLES or OPENLEDGER_NO_ML, not both (OPENLEDGER_NO_ML is OPENLEDGER_ROLES=core,gateway)");
            return Parse(env, "OPENLEDGER_ROLES");
        }
        return noMlEnv ? SiloRoles.Core | SiloRoles.Gateway : SiloRoles.All;
    }

    /// <summary>A comma-separated list of role names; <paramref name="source"/> names the option or variable in errors.</summary>
    public static SiloRoles Parse(string text, string source)
    {
        var roles = SiloRoles.None;
        foreach (var part in text.Split(','))
        {
            var name = part.Trim();
            if (name.Length == 0)
                throw new UsageException($"{source}: an empty role in '{text}'; the roles are {Valid} (e.g. --roles core,gateway)");
            var match = SiloRoleNames.All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
                throw new UsageException($"{source}: unknown role '{name}'; the roles are {Valid} (e.g. --roles core,gateway)");
            roles |= match.Role;
        }
        return roles;
    }
}
