using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;

namespace OpenLedger.Client;

// One paid inference read whole, and the base models the node serves inferences on.
public sealed partial class LedgerClient
{
    /// <summary>The inference with its texts, provenance, attribution failure and settlement credits; null when unknown.</summary>
    public async Task<InferenceDetails?> GetInferenceDetailsAsync(Hash32 id, CancellationToken ct = default)
    {
        var data = await QueryAsync(
            $"query($id: Hash!) {{ inference(id: $id) {{ {InferenceFields} model {{ name }} inputText outputText " +
            "provenance { adapter trainingRecord baseModel datanetVersions } attributionFailure { code message attempts } " +
            $"rewards {{ {EventFields} }} }} }}", new { id = id.ToString() }, ct);
        if (data.Opt("inference") is not { } i) return null;
        return new InferenceDetails(ReadInference(i), i.Opt("model")?.OptStr("name"), i.OptStr("inputText"), i.OptStr("outputText"),
            i.Opt("provenance") is { } p ? new InferenceProvenanceInfo(p.Hash("adapter"), p.Hash("trainingRecord"), p.Str("baseModel"), p.Hashes("datanetVersions")) : null,
            i.Opt("attributionFailure") is { } f ? new AttributionFailureInfo(f.Str("code"), f.Str("message"), f.Int("attempts")) : null,
            i.Array("rewards", ReadEvent));
    }

    /// <summary>The base models this node's ML silos serve paid inferences on (<c>servedBaseModels</c>); empty when it
    /// has no ML silo, or none that posts results.</summary>
    public async Task<IReadOnlyList<string>> GetServedBaseModelsAsync(CancellationToken ct = default) =>
        (await QueryAsync("{ servedBaseModels }", null, ct)).Strings("servedBaseModels");

    /// <summary>The InferenceExpired event of an expired inference: its party and detail say whether the escrow was
    /// refunded to the caller ("refund") or paid to the model's owner ("owner"); null when not found among the model's
    /// newest expiries.</summary>
    public async Task<MarketEventInfo?> GetInferenceExpiryAsync(InferenceRequest inference, CancellationToken ct = default) =>
        (await QueryAsync($"query($m: Hash, $n: Int) {{ marketEvents(model: $m, kinds: [INFERENCE_EXPIRED], first: $n) {{ nodes {{ {EventFields} }} }} }}",
            new { m = inference.Model.ToString(), n = 100 }, ct)).Nodes("marketEvents").Select(ReadEvent).FirstOrDefault(e => e.Subject == inference.Id);
}
