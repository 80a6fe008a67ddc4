namespace OpenLedger.Grains.Hosting;

/// <summary>What a silo does in a cluster (<c>run --roles core,ml,gateway</c>). <see cref="Core"/>: the ledger (producer,
/// mempool, chain, intake, accounts, blocks, books, the marketplace grains and the market relay). <see cref="Ml"/>: Model
/// Factory, OpenLoRA, serving and attribution. <see cref="Gateway"/>: the silo serves GraphQL, the web app and the WebSocket
/// API on its HTTP port. A silo hosts only the grain classes of its roles (<see cref="GrainRoles"/>), so Orleans places
/// each class on silos of its role. It lives with the grain interfaces because the gateway, which references only those,
/// names the missing role when a call finds no silo for it (<see cref="RoleUnavailable"/>).</summary>
[Flags]
public enum SiloRoles
{
    None = 0,
    Core = 1,
    Ml = 2,
    Gateway = 4,
    All = Core | Ml | Gateway,
}

/// <summary>The roles' names on the command line and in messages: core, ml, gateway.</summary>
public static class SiloRoleNames
{
    public static readonly IReadOnlyList<(string Name, SiloRoles Role)> All = [("core", SiloRoles.Core), ("ml", SiloRoles.Ml), ("gateway", SiloRoles.Gateway)];

    /// <summary>"core, ml, gateway" (in that order), or "none".</summary>
    public static string Describe(SiloRoles roles)
    {
        var names = All.Where(r => roles.HasFlag(r.Role)).Select(r => r.Name).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    public static string Name(SiloRoles role) => All.Single(r => r.Role == role).Name;
}
