using OpenLedger.Grains.Hosting;
using OpenLedger.ML.Grains.Hosting;

namespace OpenLedger.Tests.Roles;

/// <summary>The one list of placement by role (<see cref="GrainRoles"/>) covers every grain of the solution exactly once,
/// so a new grain cannot be forgotten: a silo would keep a class of a role it lacks, or drop one of a role it has.</summary>
public sealed class GrainRolesTests
{
    /// <summary>The assemblies that hold OpenLedger's grain classes, and the one that holds their interfaces.</summary>
    private static readonly System.Reflection.Assembly[] GrainAssemblies =
        [typeof(OpenLedger.Grains.Ledger.ChainGrain).Assembly, typeof(MlSiloBuilderExtensions).Assembly];

    private static IEnumerable<Type> GrainClasses() => GrainAssemblies.SelectMany(a => a.GetTypes())
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IGrain).IsAssignableFrom(t));

    [Fact]
    public void Every_grain_class_belongs_to_exactly_one_role()
    {
        var classes = GrainClasses().ToList();
        Assert.True(classes.Count >= 20, $"found only {classes.Count} grain classes: are the grain assemblies the right ones?");
        foreach (var grainClass in classes)
        {
            var roles = grainClass.GetInterfaces().Where(i => i != typeof(IGrain) && typeof(IGrain).IsAssignableFrom(i))
                .Select(GrainRoles.OfInterface).Where(r => r is not null).Distinct().ToList();
            Assert.True(roles.Count == 1, $"{grainClass.FullName} implements grain interfaces of {roles.Count} roles: list its interface in GrainRoles.Core or GrainRoles.Ml");
            Assert.Equal(roles[0], GrainRoles.OfClass(grainClass));
        }
    }

    [Fact]
    public void Every_grain_interface_is_listed_once()
    {
        var interfaces = typeof(GrainRoles).Assembly.GetTypes()
            .Where(t => t.IsInterface && typeof(IGrain).IsAssignableFrom(t) && !typeof(IGrainObserver).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(interfaces);
        foreach (var grainInterface in interfaces)
            Assert.True(GrainRoles.Core.Contains(grainInterface) ^ GrainRoles.Ml.Contains(grainInterface),
                $"{grainInterface.FullName} must be in exactly one of GrainRoles.Core and GrainRoles.Ml");
        Assert.Empty(GrainRoles.Core.Intersect(GrainRoles.Ml));
        Assert.Equal(GrainRoles.Core.Count + GrainRoles.Ml.Count, interfaces.Count);
    }

    [Fact]
    public void The_ML_role_is_the_set_of_classes_WithoutMl_removes()
    {
        var ml = GrainClasses().Where(c => GrainRoles.OfClass(c) == SiloRoles.Ml).ToHashSet();
        Assert.Equal(ml.OrderBy(t => t.FullName), MlSiloBuilderExtensions.MlGrainClasses.OrderBy(t => t.FullName));
        var core = GrainClasses().Where(c => GrainRoles.OfClass(c) == SiloRoles.Core).Select(c => c.Name).ToHashSet();
        foreach (var name in new[] { "BlockProducerGrain", "MempoolGrain", "ChainGrain", "TransactionIntakeGrain", "MarketRelayGrain", "BooksGrain" })
            Assert.Contains(name, core);
    }

    [Fact]
    public void Placement_failures_read_as_the_missing_role()
    {
        // The two messages Orleans 10 gives (GrainInterfaceTypeToGrainTypeResolver, PlacementService), as a resolver sees them.
        var noImplementation = new ArgumentException("Could not find an implementation for interface OpenLedger.Grains.Serving.IOpenLoraGrain,OpenLedger.Grains.Interfaces");
        Assert.Equal("no silo with the ml role is running; start one with --roles ml (it hosts IOpenLoraGrain)", RoleUnavailable.Describe(noImplementation));
        var noSilo = new InvalidOperationException("wrapped", new Orleans.Runtime.OrleansException(
            "No active nodes are compatible with grain mempool and interface OpenLedger.Grains.Ledger.IMempoolGrain,OpenLedger.Grains.Interfaces version 0. Known nodes with grain type: none."));
        Assert.Equal("no silo with the core role is running; start one with --roles core (it hosts IMempoolGrain)", RoleUnavailable.Describe(noSilo));
        // IModelGrain (core) is not read inside IModelFactoryGrain's name (ml).
        Assert.Contains("--roles ml", RoleUnavailable.Describe(new ArgumentException("Could not find an implementation for interface OpenLedger.Grains.ModelFactory.IModelFactoryGrain")));
        Assert.Contains("--roles core", RoleUnavailable.Describe(new ArgumentException("Could not find an implementation for interface OpenLedger.Grains.Market.IModelGrain")));
        Assert.Null(RoleUnavailable.Describe(new ArgumentException("some other argument")));
        Assert.Null(RoleUnavailable.Describe(null));
    }
}
