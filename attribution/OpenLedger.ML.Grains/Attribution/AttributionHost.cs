using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Grains.Hosting;

namespace OpenLedger.ML.Grains.Attribution;

/// <summary>
/// The ML silo's attributor: its own copy of the base model (the attributor installs LoRA layers on it, so it cannot
/// share OpenLoRA's), opened on first use on the attribution thread, where every attribution then runs, one at a time
/// and on one libtorch thread (<see cref="TorchThread"/>): off the grain scheduler, and the same record bytes on every
/// silo. A singleton of the silo's services; the attribution worker grain calls it.
/// </summary>
public sealed class AttributionHost(MlOptions options) : IDisposable
{
    private readonly Lazy<TorchThread> _thread = new(() => new TorchThread("attribution"));
    private readonly Lazy<string> _baseModelName = new(() => FineTuneRun.BaseModelName(BaseModelRecipe.ReadManifest(options.BaseModelPath)));
    private InferenceAttributor? _attributor;

    /// <summary>The base model's on-chain name: models on another base are left to other silos.</summary>
    public string BaseModelName => _baseModelName.Value;

    /// <summary>Attributes one inference on the attribution thread (see <see cref="InferenceAttributor.Attribute"/>).</summary>
    public Task<AttributionOutcome> AttributeAsync(AttributionInputs inputs) =>
        _thread.Value.RunAsync(() => (_attributor ??= InferenceAttributor.Open(options.BaseModelPath)).Attribute(inputs));

    public void Dispose()
    {
        if (!_thread.IsValueCreated) return;
        // The attributor's tensors are freed on the thread that used them, after the work queued before.
        _thread.Value.RunAsync(() => { _attributor?.Dispose(); return true; }).Wait(TimeSpan.FromSeconds(30));
        _thread.Value.Dispose();
    }
}
