using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Serving;

namespace OpenLedger.ML.Grains.Serving;

/// <summary>OpenLoRA administration of the silo whose address is the key; placed on that silo (<see cref="SiloPinnedPlacement"/>).
/// It acts through the silo's own <see cref="OpenLoraGrain"/> (a stateless worker, so the activation it reaches is the
/// local one, beside this silo's adapter cache), so the actions and their error codes are those of the unaddressed calls.</summary>
[SiloPinnedPlacement]
public sealed class MlSiloGrain(ILocalSiloDetails silo) : Grain, IMlSiloGrain
{
    private IOpenLoraGrain Local => GrainFactory.GetGrain<IOpenLoraGrain>(0);

    public async Task<MlSiloView> GetAsync()
    {
        using var process = Process.GetCurrentProcess();
        return new MlSiloView(silo.SiloAddress.ToParsableString(), await Local.GetStatusAsync(), await Local.ListAdaptersAsync(),
            process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    public Task<AdapterActionResult> ActAsync(AdapterAdminAction action, Hash32 adapter) => action switch
    {
        AdapterAdminAction.Load => Local.LoadAsync(adapter),
        AdapterAdminAction.Unload => Local.UnloadAsync(adapter),
        AdapterAdminAction.Pin => Local.PinAsync(adapter),
        AdapterAdminAction.Unpin => Local.UnpinAsync(adapter),
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "no such adapter action"),
    };
}
