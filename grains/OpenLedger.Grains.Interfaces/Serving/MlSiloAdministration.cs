using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Serving;

/// <summary>One live ML silo as the operator administers it: its address (what <c>silo</c> arguments take), OpenLoRA's
/// status and adapters there, and the silo process's memory.</summary>
/// <param name="Address">The silo's address as Orleans parses it (<c>ip:port@generation</c>).</param>
/// <param name="WorkingSetBytes">The process's resident memory (base model, adapters, libtorch, everything).</param>
/// <param name="ManagedBytes">The .NET heap's size (adapters' tensors live outside it, in libtorch).</param>
[GenerateSerializer, Immutable, Alias("openledger.MlSiloView")]
public sealed record MlSiloView(
    [property: Id(0)] string Address,
    [property: Id(1)] ServingStatus Serving,
    [property: Id(2)] IReadOnlyList<AdapterView> Adapters,
    [property: Id(3)] long WorkingSetBytes,
    [property: Id(4)] long ManagedBytes);

/// <summary>What an operator does to an adapter on a silo (<see cref="IOpenLoraGrain"/>'s actions).</summary>
[GenerateSerializer, Alias("openledger.AdapterAdminAction")]
public enum AdapterAdminAction
{
    Load,
    /// <summary>Frees a resident adapter (evicts it), or forgets a quarantined one's verdict.</summary>
    Unload,
    Pin,
    Unpin,
}

/// <summary>An action's outcome on one silo.</summary>
[GenerateSerializer, Immutable, Alias("openledger.SiloAdapterActionResult")]
public sealed record SiloAdapterActionResult([property: Id(0)] string Silo, [property: Id(1)] AdapterActionResult Result);

/// <summary>OpenLoRA on the one silo whose address is the key: its activation is placed on that silo and no other (a
/// custom placement), so an action reaches exactly that silo's adapter cache. An address that names no live ML silo
/// cannot be placed; go through <see cref="IMlSilosGrain"/>, which answers it with SiloNotFound.</summary>
public interface IMlSiloGrain : IGrainWithStringKey
{
    Task<MlSiloView> GetAsync();
    Task<AdapterActionResult> ActAsync(AdapterAdminAction action, Hash32 adapter);
}

/// <summary>OpenLoRA administration across the cluster (on any ML silo): lists the live ML silos and acts on one of
/// them by its address, or on all of them.</summary>
public interface IMlSilosGrain : IGrainWithIntegerKey
{
    /// <summary>Every live ML silo, ordered by address.</summary>
    Task<IReadOnlyList<MlSiloView>> ListAsync();

    /// <summary>Acts on the silo named by <paramref name="silo"/> (its address as listed; Orleans' <c>S…</c> form is
    /// taken too), or on every live ML silo when null. An address that names no live ML silo gives one result with
    /// SiloNotFound and acts nowhere.</summary>
    Task<IReadOnlyList<SiloAdapterActionResult>> ActAsync(AdapterAdminAction action, Hash32 adapter, string? silo);
}
