using OpenLedger.Grains.Attribution;
using OpenLedger.Grains.Books;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.Grains.Serving;

namespace OpenLedger.Grains.Hosting;

/// <summary>
/// Which role hosts each grain: the one list of the cluster's placement by role. A grain class belongs to the role of the
/// grain interfaces it implements (a silo removes the classes of the roles it lacks from its catalogue, see
/// <c>RolePlacement</c> in the silo); listed by interface because the gateway, which references only the interfaces,
/// uses the same list to name the role a failed call needs. A test checks that every grain class of the solution falls
/// in exactly one role, so a new grain cannot be forgotten here.
/// </summary>
public static class GrainRoles
{
    /// <summary>The ledger: the producer and mempool, the chain's read grains, intake and verification, the books, the
    /// marketplace's grains and the market relay that publishes committed events.</summary>
    public static readonly IReadOnlyList<Type> Core =
    [
        typeof(IBlockProducerGrain), typeof(IMempoolGrain), typeof(IChainGrain), typeof(IChainActivityGrain), typeof(ITransactionIntakeGrain),
        typeof(ISignatureVerifierGrain), typeof(IAccountGrain), typeof(IBlockGrain), typeof(ITransactionGrain),
        typeof(IBooksGrain), typeof(ISupplyGrain),
        typeof(IMarketQueryGrain), typeof(IDatanetGrain), typeof(IModelGrain), typeof(IInferenceGrain), typeof(IRewardAccountGrain),
        typeof(IContentGrain), typeof(IMarketRelayGrain),
    ];

    /// <summary>Model Factory (jobs and their scheduler), OpenLoRA and the inference serving worker, attribution
    /// (the worker and the settlement grain) and OpenLoRA's per-silo administration.</summary>
    public static readonly IReadOnlyList<Type> Ml =
    [
        typeof(IModelFactoryGrain), typeof(ITrainingJobGrain), typeof(IOpenLoraGrain), typeof(IInferenceServingGrain),
        typeof(IAttributionWorkerGrain), typeof(IAttributionSettlementGrain),
        // OpenLoRA administration: one grain pinned to each ML silo, and the one that lists them and fans out.
        typeof(IMlSiloGrain), typeof(IMlSilosGrain),
    ];

    /// <summary>The role whose silos host the grains behind <paramref name="grainInterface"/>, or null if it is not one of
    /// OpenLedger's.</summary>
    public static SiloRoles? OfInterface(Type grainInterface) =>
        Core.Contains(grainInterface) ? SiloRoles.Core : Ml.Contains(grainInterface) ? SiloRoles.Ml : null;

    /// <summary>The role of a grain class: the one its OpenLedger grain interfaces share; null for a class that implements
    /// none (Orleans' own grains, which every silo keeps). A class whose interfaces span two roles could be placed on
    /// neither kind of silo alone, so it is refused.</summary>
    public static SiloRoles? OfClass(Type grainClass)
    {
        var roles = grainClass.GetInterfaces().Select(OfInterface).Where(r => r is not null).Distinct().ToList();
        return roles.Count switch
        {
            0 => null,
            1 => roles[0],
            _ => throw new InvalidOperationException($"grain class {grainClass.FullName} implements interfaces of more than one role"),
        };
    }
}
