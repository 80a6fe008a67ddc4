using System.Text;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.Attribution.Records;

namespace OpenLedger.Silo.Cli.Attribution;

/// <summary>
/// Everything an audit of one settled inference needs, read through a node's public GraphQL API only: the inference
/// (status, model version, input, output, record hash, escrow and split), the model version (adapter and training
/// record hashes), its datanet's task, the contributor reward credits of the settlement (<c>inference { rewards }</c>),
/// and the content bytes (<c>content(hash) { base64 }</c>) of the record, training record, adapter, both indexes and
/// the served texts. Content is taken from local files first when the auditor has them (<c>--content</c>): a GraphQL
/// response is capped (16 MiB by default, so about 12 MiB of content), which a large influence index exceeds.
/// </summary>
public sealed class NodeAuditSource(LedgerClient client, IReadOnlyDictionary<Hash32, byte[]> localContent)
{
    /// <summary>Local files by the keccak256 of their bytes.</summary>
    public static Dictionary<Hash32, byte[]> ReadLocal(IEnumerable<string> paths)
    {
        var byHash = new Dictionary<Hash32, byte[]>();
        foreach (var path in paths)
        {
            var bytes = File.ReadAllBytes(path);
            byHash[Keccak256.Hash(bytes)] = bytes;
        }
        return byHash;
    }

    /// <summary>The audit's inputs, or the verdict that ends it before any recomputation (not settled, or a fact the
    /// node does not have).</summary>
    public async Task<(SettledPayouts Settled, byte[]? Record, AttributionInputs Content)?> ReadAsync(Hash32 inferenceId, TextWriter log, CancellationToken ct = default)
    {
        var inference = await client.GetInferenceAsync(inferenceId, ct) ?? throw new AuditSourceException($"the node has no inference {inferenceId}");
        if (inference.Status != InferenceStatus.Settled)
        {
            log.WriteLine($"inference {inferenceId} is {inference.Status.ToString().ToLowerInvariant()}, not settled: nothing to verify");
            return null;
        }
        var (model, _) = await client.GetModelAsync(inference.Model, ct) ?? throw new AuditSourceException($"the node has no model {inference.Model}");
        var version = model.Versions.FirstOrDefault(v => v.Number == inference.ModelVersion)
                      ?? throw new AuditSourceException($"model {model.Id} has no version {inference.ModelVersion}");
        var task = await TaskOfAsync(version, ct);
        var credits = (await client.GetInferenceRewardsAsync(inferenceId, ct))
            .Where(e => e.Contribution is not null).OrderBy(e => e.Sequence)
            .Select(e => (e.Contribution!.Value, e.Amount ?? default)).ToList();
        var settled = new SettledPayouts(inferenceId, inference.Record, inference.Escrow, inference.ProtocolBps, inference.OwnerBps, inference.ContributorsBps, credits);

        var record = await ContentAsync(inference.Record, ct);
        var trainingRecord = version.TrainingRecord == Hash32.Zero ? null : await ContentAsync(version.TrainingRecord, ct);
        var refs = InferenceAttributor.ArtifactsOf(trainingRecord, out _);
        var input = Text(await ContentAsync(inference.Input, ct), "input");
        var output = Text(await ContentAsync(inference.Output, ct), "output");
        // The cap the record was made with: the chain's own (genesis maxAttributions) is not in the public API, and
        // the chain refused any settlement above it; the recomputation under the record's cap must match it exactly.
        var cap = 1;
        try { if (record is not null) cap = AttributionRecord.Parse(record).Method.MaxAttributions; }
        catch (InvalidAttributionRecordException) { /* the audit reports the record as corrupt */ }
        var content = new AttributionInputs(inferenceId, model.Id, version.Number, version.Adapter, await ContentAsync(version.Adapter, ct),
            version.TrainingRecord, trainingRecord,
            refs is null ? null : await ContentAsync(refs.InfluenceIndexHash, ct), refs is null ? null : await ContentAsync(refs.SpanIndexHash, ct),
            task, input, output, cap);
        return (settled, record, content);
    }

    /// <summary>The task a model version was trained in: its first datanet version's datanet's (as OpenLoRA prompts it).</summary>
    private async Task<TaskKind> TaskOfAsync(ModelVersion version, CancellationToken ct)
    {
        if (version.DatanetVersions.Length > 0
            && await client.GetDatanetVersionAsync(version.DatanetVersions[0], ct) is { } dv
            && await client.GetDatanetAsync(dv.Datanet, ct) is { } datanet)
            return datanet.Task;
        return TaskKind.Text;
    }

    /// <summary>The bytes of <paramref name="hash"/>: a local file's, else the node's; null when neither has them.</summary>
    public async Task<byte[]?> ContentAsync(Hash32 hash, CancellationToken ct)
    {
        if (localContent.TryGetValue(hash, out var local)) return local;
        System.Text.Json.JsonElement data;
        try
        {
            data = await client.QueryAsync("query($h: Hash!) { content(hash: $h) { size base64 } }", new { h = hash.ToString() }, ct);
        }
        catch (GraphQLRequestException e)
        {
            throw new AuditSourceException($"content {hash} could not be read through GraphQL ({e.Message}); a response is capped at the node's " +
                                           "response limit, so give large artifacts as local files: --content FILE");
        }
        if (!data.TryGetProperty("content", out var c) || c.ValueKind == System.Text.Json.JsonValueKind.Null) return null;
        var bytes = Convert.FromBase64String(c.GetProperty("base64").GetString() ?? "");
        return Keccak256.Hash(bytes) == hash ? bytes : throw new AuditSourceException($"the node returned bytes for {hash} that hash to {Keccak256.Hash(bytes)}");
    }

    private static string Text(byte[]? bytes, string what)
    {
        if (bytes is null) throw new AuditSourceException($"the inference's {what} is not in the node's content store");
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { throw new AuditSourceException($"the inference's {what} is not UTF-8"); }
    }
}

/// <summary>The node cannot supply a fact or content the audit needs (not a verdict about the record).</summary>
public sealed class AuditSourceException(string message) : Exception(message);
