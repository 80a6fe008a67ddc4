using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Serving;
using OpenLedger.ML.Serving;
using Orleans.Concurrency;

namespace OpenLedger.ML.Grains.Serving;

/// <summary>Administration of the receiving silo's OpenLoRA (stateless worker: it always runs beside the silo's
/// <see cref="OpenLoraHost"/>). Errors are values with stable codes: AdapterNotFound, InvalidAdapter,
/// AdapterCacheFull, AdapterNotLoaded, NotPinned, AdapterPinned, AdapterBusy.</summary>
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
        host.Cache.Unpin(adapter);
        return Task.CompletedTask;
    });

    public Task<AdapterActionResult> UnloadAsync(Hash32 adapter) => Act(adapter, () =>
    {
        if (!host.Cache.Unload(adapter)) throw new AdapterNotLoadedException(adapter);
        return Task.CompletedTask;
    });

    private async Task<AdapterActionResult> Act(Hash32 adapter, Func<Task> action)
    {
        try
        {
            await action();
            return new AdapterActionResult(host.View(adapter, Silo), null, null);
        }
        catch (AdapterNotFoundException e) { return Error("AdapterNotFound", e.Message); }
        catch (AdapterNotLoadedException e) { return Error("AdapterNotLoaded", e.Message); }
        catch (InvalidDataException e) { return Error("InvalidAdapter", e.Message); }
        catch (AdapterCacheFullException e) { return Error("AdapterCacheFull", e.Message); }
        catch (InvalidOperationException e) when (e.Message.Contains("not pinned", StringComparison.Ordinal)) { return Error("NotPinned", e.Message); }
        catch (InvalidOperationException e) when (e.Message.Contains("is pinned", StringComparison.Ordinal)) { return Error("AdapterPinned", e.Message); }
        catch (InvalidOperationException e) { return Error("AdapterBusy", e.Message); }

        AdapterActionResult Error(string code, string message) => new(host.View(adapter, Silo), code, message);
    }
}

/// <summary>Unload of an adapter that is not resident.</summary>
public sealed class AdapterNotLoadedException(Hash32 id) : Exception($"adapter {id} is not loaded on this silo");
