using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Runtime;

namespace OpenLedger.Tests.BaseModels;

/// <summary>A real base model of one's own (the tiny recipe, one step: seconds), in a temporary directory: a base the
/// catalog does not ship, so a node finds it by its directory only.</summary>
public sealed class TinyBaseModel : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "ol-tiny-base-" + Guid.NewGuid().ToString("N"));

    /// <summary>Its on-chain name (<c>builtin:0x…</c> of its own weights).</summary>
    public string Name { get; }

    public TinyBaseModel()
    {
        TorchRuntime.EnsureLoaded();
        var options = BaseModelOptions.Tiny(Directory);
        Name = FineTuneRun.BaseModelName(BaseModelRecipe.Train(options with { Training = options.Training with { Steps = 1 } }));
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
