using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Grains.Attribution;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.Grains.Serving;
using OpenLedger.ML.Grains.Attribution;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.ML.Grains.Serving;
using Orleans.Configuration;

namespace OpenLedger.ML.Grains.Hosting;

/// <summary>
/// The ML role. A silo that calls <see cref="AddOpenLedgerMl"/> hosts Model Factory jobs, OpenLoRA and attribution; at
/// start it resumes unfinished jobs and starts the inference and attribution workers, and from then on it wakes the
/// unfinished jobs every few seconds (<see cref="UnfinishedJobsWatch"/>), so a job whose silo died continues here. A silo of the same cluster that calls
/// <see cref="WithoutMl"/> instead removes the ML grain classes from its catalogue, so Orleans places every ML grain
/// on the silos that have them (placement only considers compatible silos): that is how GPU machines take the ML work
/// while the others run the ledger.
/// </summary>
public static class MlSiloBuilderExtensions
{
    public static readonly Type[] MlGrainClasses = [typeof(ModelFactoryGrain), typeof(TrainingJobGrain), typeof(OpenLoraGrain), typeof(InferenceServingGrain),
        typeof(AttributionWorkerGrain), typeof(AttributionSettlementGrain), typeof(MlSiloGrain), typeof(MlSilosGrain)];

    public static ISiloBuilder AddOpenLedgerMl(this ISiloBuilder silo, MlOptions options)
    {
        Directory.CreateDirectory(options.JobsDirectory);
        silo.AddOpenLedgerMlPlacement();
        silo.Services.AddSingleton(options);
        silo.Services.AddSingleton<OpenLoraHost>();
        silo.Services.AddSingleton<AttributionHost>();
        silo.Services.AddSingleton<UnfinishedJobsWatch>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(s => s.GetRequiredService<UnfinishedJobsWatch>());
        silo.AddStartupTask(async (services, _) =>
        {
            await services.GetRequiredService<ITrainingCheckpoints>().EnsureSchemaAsync();
            var grains = services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<IModelFactoryGrain>(0).ResumeUnfinishedAsync();
            await grains.GetGrain<IInferenceServingGrain>(0).WakeAsync();
            await grains.GetGrain<IAttributionWorkerGrain>(0).WakeAsync();
        });
        return silo;
    }

    /// <summary>The placement of the per-silo OpenLoRA grains, on EVERY silo of the cluster whatever its roles: the silo
    /// that places a call is the caller's, so a call from a core silo (or through its gateway) to a per-silo grain is
    /// placed by that silo's director.</summary>
    public static ISiloBuilder AddOpenLedgerMlPlacement(this ISiloBuilder silo) =>
        silo.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();

    public static ISiloBuilder WithoutMl(this ISiloBuilder silo)
    {
        silo.AddOpenLedgerMlPlacement();
        silo.Services.PostConfigure<GrainTypeOptions>(o =>
        {
            foreach (var type in MlGrainClasses) o.Classes.Remove(type);
        });
        return silo;
    }
}
