using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Grains.Serving;
using Orleans.Concurrency;
using Orleans.Metadata;

namespace OpenLedger.ML.Grains.Serving;

/// <summary>Lists the live ML silos and fans administration out to them (stateless worker on any ML silo). An ML silo is
/// a silo whose grain manifest has <see cref="MlSiloGrain"/> (a silo started without the ML role removes the class) and
/// that membership reports active: the same view Orleans' placement uses.</summary>
[StatelessWorker]
public sealed class MlSilosGrain(IClusterManifestProvider manifests, IClusterMembershipService membership, GrainTypeResolver grainTypes) : Grain, IMlSilosGrain
{
    public async Task<IReadOnlyList<MlSiloView>> ListAsync() =>
        await Task.WhenAll(LiveMlSilos().Select(s => GrainFactory.GetGrain<IMlSiloGrain>(s.ToParsableString()).GetAsync()));

    public async Task<IReadOnlyList<SiloAdapterActionResult>> ActAsync(AdapterAdminAction action, Hash32 adapter, string? silo)
    {
        var live = LiveMlSilos();
        IReadOnlyList<SiloAddress> targets = live;
        if (silo is not null)
        {
            var named = live.FirstOrDefault(s => s.ToParsableString() == silo.Trim() || s.ToString() == silo.Trim());
            if (named is null)
                return [new(silo, new AdapterActionResult(null, nameof(MlErrorCode.SiloNotFound),
                    $"no live ML silo has the address '{silo}'; the ML silos are: {string.Join(", ", live.Select(s => s.ToParsableString()))}"))];
            targets = [named];
        }
        return await Task.WhenAll(targets.Select(async s =>
            new SiloAdapterActionResult(s.ToParsableString(), await GrainFactory.GetGrain<IMlSiloGrain>(s.ToParsableString()).ActAsync(action, adapter))));
    }

    private List<SiloAddress> LiveMlSilos()
    {
        var type = grainTypes.GetGrainType(typeof(MlSiloGrain));
        var snapshot = membership.CurrentSnapshot;
        return manifests.Current.Silos
            .Where(s => s.Value.Grains.ContainsKey(type) && snapshot.GetSiloStatus(s.Key) == SiloStatus.Active)
            .Select(s => s.Key)
            .OrderBy(s => s.ToParsableString(), StringComparer.Ordinal)
            .ToList();
    }
}
