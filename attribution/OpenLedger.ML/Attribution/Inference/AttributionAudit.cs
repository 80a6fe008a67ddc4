using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution.Records;

namespace OpenLedger.ML.Attribution.Inference;

/// <summary>
/// An auditor's check of one settled inference, from the chain's facts and the content store's bytes alone:
/// <list type="number">
/// <item>the record bytes hash to the record hash settled on chain and are a canonical record;</item>
/// <item>the record is about this inference: its inference id, model and version, adapter, index (the one the training
/// record names) and the hashes of the served input and output are the chain's and the content's;</item>
/// <item>the contributions and weights settled on chain are the record's, in its order;</item>
/// <item>the attribution recomputed from the adapter, the index and the served texts (<see cref="InferenceAttributor"/>,
/// one thread) reproduces the record's scores, shares, weights and spans bit for bit
/// (<see cref="AttributionRecordVerifier"/>), and finally the whole record's bytes.</item>
/// </list>
/// The first failed check is the verdict, with its <see cref="AuditReason"/>. Never throws for bad bytes.
/// </summary>
public static class AttributionAudit
{
    /// <param name="content">the inputs the recorder had: the served texts and artifacts, with the on-chain model
    /// facts and cap (its <see cref="AttributionInputs.MaxAttributions"/> is the model's)</param>
    public static AuditVerdict Verify(InferenceAttributor attributor, SettledAttribution settled, byte[]? recordBytes, AttributionInputs content)
    {
        ArgumentNullException.ThrowIfNull(attributor);
        ArgumentNullException.ThrowIfNull(settled);
        ArgumentNullException.ThrowIfNull(content);
        if (recordBytes is null) return AuditVerdict.Different(AuditReason.RecordMissing, $"record {settled.RecordHash} is not in the content store");
        if (Keccak256.Hash(recordBytes) is var hash && hash != settled.RecordHash)
            return AuditVerdict.Different(AuditReason.RecordHashMismatch, $"the record bytes hash to {hash}, the chain settled {settled.RecordHash}");
        AttributionRecord record;
        try
        {
            record = AttributionRecord.Parse(recordBytes);
        }
        catch (InvalidAttributionRecordException e)
        {
            return AuditVerdict.Different(AuditReason.RecordCorrupt, e.Message);
        }
        if (Facts(record, settled, content) is { } facts) return AuditVerdict.Different(AuditReason.RecordFactsMismatch, facts);
        if (OnChain(record, settled) is { } onChain) return AuditVerdict.Different(AuditReason.OnChainWeightsMismatch, onChain);

        var computed = attributor.Compute(content);
        if (computed.Failure is { } failure) return AuditVerdict.Different(AuditReason.NotRecomputable, failure.ToString());
        if (record.IndexHash != computed.Artifacts!.InfluenceIndexHash)
            return AuditVerdict.Different(AuditReason.RecordFactsMismatch, $"the record names index {record.IndexHash}, the training record {computed.Artifacts.InfluenceIndexHash}");
        var verification = AttributionRecordVerifier.Verify(record, computed.Scores, computed.Spans);
        if (!verification.IsExact) return AuditVerdict.Different(AuditReason.ScoresDiffer, verification.Difference!);
        var fresh = computed.Record!.Encode();
        if (!fresh.AsSpan().SequenceEqual(recordBytes))
            return AuditVerdict.Different(AuditReason.RecordBytesDiffer, $"the recomputed record hashes to {Keccak256.Hash(fresh)}, the stored one to {hash}");
        return AuditVerdict.Exact($"record {hash} recomputed exactly: {record.Contributions.Count} contributions, {record.Spans.Count} spans, weights as settled");
    }

    private static string? Facts(AttributionRecord record, SettledAttribution settled, AttributionInputs content)
    {
        if (record.InferenceId != settled.InferenceId || record.InferenceId != content.InferenceId)
            return $"the record is about inference {record.InferenceId}, not {settled.InferenceId}";
        if (record.ModelId != content.ModelId || record.ModelVersion != content.ModelVersion)
            return $"the record names model {record.ModelId} v{record.ModelVersion}, the inference {content.ModelId} v{content.ModelVersion}";
        if (record.AdapterHash is { } adapter && adapter != content.AdapterHash)
            return $"the record names adapter {adapter}, the model version {content.AdapterHash}";
        if (record.InputHash != AttributionRecord.HashText(content.Input)) return $"the record's input hash {record.InputHash} is not the served input's";
        if (record.OutputHash != AttributionRecord.HashText(content.Output)) return $"the record's output hash {record.OutputHash} is not the served output's";
        if (record.Method.MaxAttributions != content.MaxAttributions)
            return $"the record was capped at {record.Method.MaxAttributions} attributions, the model allows {content.MaxAttributions}";
        return null;
    }

    private static string? OnChain(AttributionRecord record, SettledAttribution settled)
    {
        if (settled.Contributions.Count != record.Contributions.Count || settled.Weights.Count != record.Contributions.Count)
            return $"the chain settled {settled.Contributions.Count} contributions and {settled.Weights.Count} weights, the record names {record.Contributions.Count}";
        for (var i = 0; i < record.Contributions.Count; i++)
        {
            var r = record.Contributions[i];
            if (settled.Contributions[i] != r.Contribution)
                return $"position {i}: the chain settled contribution {settled.Contributions[i]}, the record names {r.Contribution}";
            if (settled.Weights[i] != r.Weight)
                return $"position {i} ({r.Contribution}): the chain settled weight {settled.Weights[i]}, the record {r.Weight}";
        }
        return null;
    }
}
