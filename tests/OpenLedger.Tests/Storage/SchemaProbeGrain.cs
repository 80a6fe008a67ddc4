using Orleans;
using Orleans.Runtime;

namespace OpenLedger.Tests.Storage;

/// <summary>What a schema probe stores: enough to see a JSON property name and a number round-trip.</summary>
[GenerateSerializer, Immutable, Alias("openledger.tests.SchemaProbeState")]
public sealed record SchemaProbeState(
    [property: Id(0)] string Label,
    [property: Id(1)] long Count)
{
    public static readonly SchemaProbeState Empty = new("", 0);
}

/// <summary>The calls a schema probe answers, whatever its key type.</summary>
[Alias("openledger.tests.ISchemaProbe")]
public interface ISchemaProbe
{
    [Alias("Get")]
    Task<SchemaProbeState?> Get();

    [Alias("Set")]
    Task Set(SchemaProbeState state);

    [Alias("Clear")]
    Task Clear();
}

/// <summary>A probe keyed by a string (stored with the key in GrainIdExtensionString).</summary>
[Alias("openledger.tests.ISchemaProbeGrain")]
public interface ISchemaProbeGrain : ISchemaProbe, IGrainWithStringKey;

/// <summary>A probe keyed by an integer (stored with no string key part).</summary>
[Alias("openledger.tests.INumberedSchemaProbeGrain")]
public interface INumberedSchemaProbeGrain : ISchemaProbe, IGrainWithIntegerKey;

/// <summary>Keeps one <see cref="SchemaProbeState"/> in the grain storage named <see cref="StorageName"/>.</summary>
public sealed class SchemaProbeGrain(
    [PersistentState("probe", SchemaProbeGrain.StorageName)] IPersistentState<SchemaProbeState> state)
    : Grain, ISchemaProbeGrain, INumberedSchemaProbeGrain
{
    public const string StorageName = "schema-probe";

    /// <summary>The stored state, or null when nothing is stored (never written, or cleared).</summary>
    public Task<SchemaProbeState?> Get() => Task.FromResult(state.RecordExists ? state.State : null);

    public Task Set(SchemaProbeState value)
    {
        state.State = value;
        return state.WriteStateAsync();
    }

    public Task Clear() => state.ClearStateAsync();
}
