using OpenLedger.Core.Crypto;

namespace OpenLedger.Client;

/// <summary>An adapter as one ML silo's OpenLoRA holds it.</summary>
public sealed record SiloAdapterInfo(Hash32 Adapter, string State, long Bytes, long Served, string? Reason);

/// <summary>A live ML silo (GraphQL <c>mlSilos</c>): its address, OpenLoRA's cache, its adapters and memory.</summary>
public sealed record MlSiloInfo(string Address, string BaseModel, long BudgetBytes, long UsedBytes, int Resident, long Served,
    long WorkingSetBytes, long ManagedBytes, IReadOnlyList<SiloAdapterInfo> Adapters);

/// <summary>An adapter action's outcome on one silo (GraphQL <c>adapterOnSilos</c>).</summary>
public sealed record SiloAdapterResultInfo(string Silo, bool Ok, SiloAdapterInfo? Adapter, string? ErrorCode, string? Message);
