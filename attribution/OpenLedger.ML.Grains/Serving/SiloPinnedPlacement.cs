using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace OpenLedger.ML.Grains.Serving;

/// <summary>Places a grain keyed by a silo's address (<c>ip:port@generation</c>) on that silo and nowhere else: how a
/// per-silo administration grain (<see cref="MlSiloGrain"/>) reaches the one adapter cache it names. Orleans 10.4 has no
/// built-in placement by key (PreferLocal places on the caller's silo, grain services are addressed by a hash ring), so
/// this is a custom strategy, registered on every silo of the cluster (<see cref="Hosting.MlSiloBuilderExtensions"/>),
/// since the silo that places a call is the caller's, ML or not.</summary>
[GenerateSerializer, Immutable, Alias("openledger.SiloPinnedPlacement")]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    public static readonly SiloPinnedPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacement.Instance);

/// <summary>The director of <see cref="SiloPinnedPlacement"/>: the key's silo if it is live and hosts the grain class,
/// else a refusal (the call fails: callers go through <see cref="MlSilosGrain"/>, which checks first and answers
/// SiloNotFound).</summary>
public sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        SiloAddress? silo = null;
        try { silo = SiloAddress.FromParsableString(key); }
        catch (FormatException) { }
        catch (ArgumentException) { }
        if (silo is not null && context.GetCompatibleSilos(target).Contains(silo)) return Task.FromResult(silo);
        throw new SiloNotFoundException(key);
    }
}

/// <summary>A silo address that names no live silo able to host the grain.</summary>
public sealed class SiloNotFoundException(string silo) : Exception($"no live ML silo has the address '{silo}'");
