using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Grains.Serving;
using OpenLedger.ML.Serving;
using Orleans.Concurrency;

namespace OpenLedger.ML.Grains.Serving;

/// <summary>Administration of the receiving silo's OpenLoRA (stateless worker: it always runs beside the silo's
/// <see cref="OpenLoraHost"/>). Errors are values with stable codes: AdapterNotFound, InvalidAdapter (refused at load,
/// or quarantined: the message says why), AdapterCacheFull, AdapterNotLoaded, NotPinned, AdapterPinned, AdapterBusy.
/// Unloading a quarantined adapter clears its quarantine: its next request reads and checks it again.</summary>
[StatelessWorker]
public sealed class OpenLoraGrain(OpenLoraHost host, ILocalSiloDetails silo) : Grain, IOpenLoraGrain
{
    private string Silo => silo.SiloAddress.ToString();

    public Task<ServingStatus> GetStatusAsync() => Task.FromResult(host.Status(Silo));

    public Task<IReadOnlyList<AdapterView>> ListAdaptersAsync() => Task.FromResult(host.Views(Silo));

    public Task<AdapterActionResult> LoadAsync(Hash32 adapter) => Act(adapter, async () =>
    {
        using var lease = await host.Cache.AcquireAsync(adapter);
    });

    public Task<AdapterActionResult> PinAsync(Hash32 adapter) => Act(adapter, () => host.Cache.PinAsync(adapter));

    public Task<AdapterActionResult> UnpinAsync(Hash32 adapter) => Act(adapter, () =>
    {
        if (host.Cache.Metrics(adapter)?.State != AdapterState.Pinned) throw new Refused(MlErrorCode.NotPinned, $"adapter {adapter} is not pinned");
        host.Cache.Unpin(adapter);
        return Task.CompletedTask;
    });

    public Task<AdapterActionResult> UnloadAsync(Hash32 adapter) => Act(adapter, () =>
    {
        // The cache's state decides the code; the cache itself still refuses if a batch takes the adapter meanwhile.
        switch (host.Cache.Metrics(adapter))
        {
            // The operator's way out of a verdict (a forward pass that failed for a passing reason, a fixed store).
            case { State: AdapterState.Quarantined }:
                host.Cache.ClearQuarantine(adapter);
                return Task.CompletedTask;
            case { State: AdapterState.Pinned }: throw new Refused(MlErrorCode.AdapterPinned, $"adapter {adapter} is pinned: unpin it first");
            case { InUse: > 0 }: throw new Refused(MlErrorCode.AdapterBusy, $"adapter {adapter} is serving a batch");
        }
        if (!host.Cache.Unload(adapter)) throw new Refused(MlErrorCode.AdapterNotLoaded, $"adapter {adapter} is not loaded on this silo");
        return Task.CompletedTask;
    });

    private async Task<AdapterActionResult> Act(Hash32 adapter, Func<Task> action)
    {
        try
        {
            await action();
            return new AdapterActionResult(host.View(adapter, Silo), null, null);
        }
        catch (Refused e) { return Error(e.Code, e.Message); }
        catch (AdapterNotFoundException e) { return Error(MlErrorCode.AdapterNotFound, e.Message); }
        catch (InvalidAdapterException e) { return Error(MlErrorCode.InvalidAdapter, e.Message); }
        catch (InvalidDataException e) { return Error(MlErrorCode.InvalidAdapter, e.Message); } // the store's bytes are not the hash's
        catch (AdapterCacheFullException e) { return Error(MlErrorCode.AdapterCacheFull, e.Message); }
        catch (InvalidOperationException e) { return Error(MlErrorCode.AdapterBusy, e.Message); } // the state changed under the check

        AdapterActionResult Error(MlErrorCode code, string message) => new(host.View(adapter, Silo), code.ToString(), message);
    }

    /// <summary>An action the adapter's current state does not allow, with its code.</summary>
    private sealed class Refused(MlErrorCode code, string message) : Exception(message)
    {
        public MlErrorCode Code { get; } = code;
    }
}
