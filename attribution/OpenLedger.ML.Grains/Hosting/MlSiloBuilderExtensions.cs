using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.Grains.Serving;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.ML.Grains.Serving;
using Orleans.Configuration;

namespace OpenLedger.ML.Grains.Hosting;

/// <summary>
/// The ML role. A silo that calls <see cref="AddOpenLedgerMl"/> hosts Model Factory jobs and OpenLoRA; at start it
/// resumes unfinished jobs and starts the inference worker. A silo of the same cluster that calls
/// <see cref="WithoutMl"/> instead removes the ML grain classes from its catalogue, so Orleans places every ML grain
/// on the silos that have them (placement only considers compatible silos): that is how GPU machines take the ML work
/// while the others run the ledger.
/// </summary>
public static class MlSiloBuilderExtensions
{
    public static readonly Type[] MlGrainClasses = [typeof(ModelFactoryGrain), typeof(TrainingJobGrain), typeof(OpenLoraGrain), typeof(InferenceServingGrain)];

    public static ISiloBuilder AddOpenLedgerMl(this ISiloBuilder silo, MlOptions options)
    {
        Directory.CreateDirectory(options.JobsDirectory);
        silo.Services.AddSingleton(options);
        silo.Services.AddSingleton<OpenLoraHost>();
        silo.AddStartupTask(async (services, _) =>
        {
            var grains = services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<IModelFactoryGrain>(0).ResumeUnfinishedAsync();
            await grains.GetGrain<IInferenceServingGrain>(0).WakeAsync();
        });
        return silo;
    }

    public static ISiloBuilder WithoutMl(this ISiloBuilder silo)
    {
        silo.Services.PostConfigure<GrainTypeOptions>(o =>
        {
            foreach (var type in MlGrainClasses) o.Classes.Remove(type);
        });
        return silo;
    }
}
