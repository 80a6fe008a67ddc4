using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OpenLedger.Grains.Hosting;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Silo.Hosting;

/// <summary>Placement by role: a silo removes from its catalogue the grain classes of the roles it lacks
/// (<see cref="GrainRoles"/>), so Orleans, which places a grain only on silos whose catalogue has its class, keeps each
/// class on silos of its role. Orleans' own grains (streams, the directory) stay on every silo.</summary>
public static class RolePlacement
{
    public static ISiloBuilder HostOnlyRoles(this ISiloBuilder silo, SiloRoles roles)
    {
        silo.Services.PostConfigure<GrainTypeOptions>(o =>
        {
            foreach (var type in o.Classes.Where(c => GrainRoles.OfClass(c) is { } role && !roles.HasFlag(role)).ToList())
                o.Classes.Remove(type);
        });
        return silo;
    }

    /// <summary>Says at start what this silo hosts, so an operator reading one silo's log knows its part.</summary>
    public static ISiloBuilder LogRoles(this ISiloBuilder silo, SiloRoles roles)
    {
        silo.AddStartupTask((services, _) =>
        {
            var elsewhere = SiloRoles.All & ~SiloRoles.Gateway & ~roles;
            services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenLedger.Silo.Roles").LogInformation(
                "silo roles: {Roles}{Elsewhere}", SiloRoleNames.Describe(roles),
                elsewhere == SiloRoles.None ? "" : $"; grains of the {SiloRoleNames.Describe(elsewhere)} role go to other silos");
            return Task.CompletedTask;
        });
        return silo;
    }

    /// <summary>A silo with no role would host nothing and serve nothing: a configuration mistake, refused at start.</summary>
    public static void Check(SiloRoles roles)
    {
        if (roles == SiloRoles.None)
            throw new OpenLedger.Cli.CommandLine.UsageException($"a silo needs at least one role ({RolesOption.Valid})");
    }
}
