using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Serving;

/// <summary>One adapter as an OpenLoRA silo holds it: state (resident, pinned, loading, evicted, quarantined), counters,
/// the last load time and, when quarantined, why.</summary>
[GenerateSerializer, Immutable, Alias("openledger.AdapterView")]
public sealed record AdapterView(
    [property: Id(0)] Hash32 Adapter,
    [property: Id(1)] string State,
    [property: Id(2)] long Requests,
    [property: Id(3)] int Loads,
    [property: Id(4)] double LastLoadMs,
    [property: Id(5)] long Bytes,
    [property: Id(6)] int InUse,
    [property: Id(7)] string Silo,
    [property: Id(8)] double MeanLatencyMs,
    [property: Id(9)] long Served,
    [property: Id(10)] string? Reason = null);

/// <summary>The serving side of a silo: base model, cache budget and use.</summary>
[GenerateSerializer, Immutable, Alias("openledger.ServingStatus")]
public sealed record ServingStatus(
    [property: Id(0)] string Silo,
    [property: Id(1)] string BaseModel,
    [property: Id(2)] long BudgetBytes,
    [property: Id(3)] long UsedBytes,
    [property: Id(4)] int Resident,
    [property: Id(5)] long Served,
    [property: Id(6)] long Failed,
    [property: Id(7)] string? ServingOperator);

/// <summary>The outcome of an admin action: the adapter afterwards, or a stable error code (AdapterNotFound,
/// InvalidAdapter, AdapterCacheFull, AdapterNotLoaded, NotPinned, AdapterPinned, AdapterBusy) and a message.</summary>
[GenerateSerializer, Immutable, Alias("openledger.AdapterActionResult")]
public sealed record AdapterActionResult([property: Id(0)] AdapterView? Adapter, [property: Id(1)] string? ErrorCode, [property: Id(2)] string? Message)
{
    public bool Ok => ErrorCode is null;
}

/// <summary>A generation served for an inference: the output text and how it was produced.</summary>
[GenerateSerializer, Immutable, Alias("openledger.ServedOutput")]
public sealed record ServedOutput(
    [property: Id(0)] string Text,
    [property: Id(1)] Hash32 Output,
    [property: Id(2)] int PromptTokens,
    [property: Id(3)] int GeneratedTokens,
    [property: Id(4)] double LatencyMs);

/// <summary>OpenLoRA on the ML silo that receives the call (stateless worker: a local handle to the silo's one base
/// model and adapter cache). Administration: list, load, unload (which also clears a quarantine), pin, unpin.</summary>
public interface IOpenLoraGrain : IGrainWithIntegerKey
{
    Task<ServingStatus> GetStatusAsync();
    Task<IReadOnlyList<AdapterView>> ListAdaptersAsync();
    Task<AdapterActionResult> LoadAsync(Hash32 adapter);
    /// <summary>Frees a resident adapter, or forgets a quarantined one's verdict so that its next request loads and
    /// checks it again.</summary>
    Task<AdapterActionResult> UnloadAsync(Hash32 adapter);
    Task<AdapterActionResult> PinAsync(Hash32 adapter);
    Task<AdapterActionResult> UnpinAsync(Hash32 adapter);
}

/// <summary>The inference worker (one activation, on an ML silo): picks up requested inferences from chain state,
/// serves them through OpenLoRA and posts each result with the node's serving-operator key.</summary>
public interface IInferenceServingGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the worker runs (called when an ML silo starts; from then on it polls chain state).</summary>
    Task WakeAsync();
    Task<InferenceWorkerStatus> GetStatusAsync();
}

/// <summary>The inference worker's counters.</summary>
/// <param name="Refused">Open inferences left to their deadline because OpenLoRA refuses (quarantines) their adapter.</param>
[GenerateSerializer, Immutable, Alias("openledger.InferenceWorkerStatus")]
public sealed record InferenceWorkerStatus(
    [property: Id(0)] string? Operator,
    [property: Id(1)] long Served,
    [property: Id(2)] long Failed,
    [property: Id(3)] int InFlight,
    [property: Id(4)] string? LastError,
    [property: Id(5)] int Refused = 0);
