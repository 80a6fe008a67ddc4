using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Client;

// Per-silo OpenLoRA administration (operator token): the live ML silos, and an adapter action on one or all of them.
public sealed partial class LedgerClient
{
    private const string SiloAdapterFields = "adapter state bytes served reason";

    /// <summary>The live ML silos with their adapters. Operator only.</summary>
    public async Task<IReadOnlyList<MlSiloInfo>> GetMlSilosAsync(CancellationToken ct = default) =>
        (await QueryAsync($"{{ mlSilos {{ address workingSetBytes managedBytes serving {{ baseModel budgetBytes usedBytes resident served }} adapters {{ {SiloAdapterFields} }} }} }}", null, ct))
        .Req("mlSilos").EnumerateArray().Select(s =>
        {
            var serving = s.Req("serving");
            return new MlSiloInfo(s.Str("address"), serving.Str("baseModel"), serving.Long("budgetBytes"), serving.Long("usedBytes"), serving.Int("resident"),
                serving.Long("served"), s.Long("workingSetBytes"), s.Long("managedBytes"), s.Req("adapters").EnumerateArray().Select(ReadSiloAdapter).ToList());
        }).ToList();

    /// <summary>Loads, unloads (evicts), pins or unpins (<paramref name="action"/>: LOAD, UNLOAD, PIN, UNPIN) an adapter on
    /// the ML silo at <paramref name="silo"/>, or on every live ML silo when null: one result per silo. Operator only;
    /// an address that names no live ML silo is refused with SiloNotFound.</summary>
    public async Task<IReadOnlyList<SiloAdapterResultInfo>> AdapterOnSilosAsync(string action, Hash32 adapter, string? silo, CancellationToken ct = default) =>
        (await QueryAsync($"mutation($action: AdapterAction!, $adapter: Hash!, $silo: String) {{ adapterOnSilos(action: $action, adapter: $adapter, silo: $silo) " +
                          $"{{ silo ok errorCode message adapter {{ {SiloAdapterFields} }} }} }}",
            new { action, adapter = adapter.ToString(), silo }, ct))
        .Req("adapterOnSilos").EnumerateArray().Select(r => new SiloAdapterResultInfo(r.Str("silo"), r.Req("ok").GetBoolean(),
            r.Opt("adapter") is { ValueKind: JsonValueKind.Object } a ? ReadSiloAdapter(a) : null, r.OptStr("errorCode"), r.OptStr("message"))).ToList();

    private static SiloAdapterInfo ReadSiloAdapter(JsonElement a) =>
        new(Hash32.Parse(a.Str("adapter")), a.Str("state"), a.Long("bytes"), a.Long("served"), a.OptStr("reason"));
}
