using OpenLedger.Core.Crypto;
using OpenLedger.ML.FineTuning;

namespace OpenLedger.ML.Attribution.Inference;

/// <summary>What a training record says a model version is attributed with: the adapter it trained, the influence
/// and span indexes built for it (content-store hashes, what a worker fetches), the task its rows were built in and
/// the base model's weights hash.</summary>
public sealed record AttributionArtifactRefs(
    Hash32 AdapterHash, Hash32 InfluenceIndexHash, Hash32 SpanIndexHash, string Task, string BaseModelWeightsKeccak)
{
    /// <summary>The references in <paramref name="trainingRecordBytes"/>, or null with the <paramref name="failure"/>
    /// (<see cref="AttributionFailureCode.NoTrainingRecord"/>, <see cref="AttributionFailureCode.TrainingRecordCorrupt"/>,
    /// <see cref="AttributionFailureCode.TrainingRecordWithoutIndex"/>). Never throws.</summary>
    public static AttributionArtifactRefs? From(byte[]? trainingRecordBytes, out AttributionFailure? failure)
    {
        failure = null;
        if (trainingRecordBytes is null || trainingRecordBytes.Length == 0)
        {
            failure = new(AttributionFailureCode.NoTrainingRecord, "no training record bytes");
            return null;
        }
        TrainingRecord record;
        try
        {
            record = TrainingRecord.Parse(trainingRecordBytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = new(AttributionFailureCode.TrainingRecordCorrupt, $"the training record does not parse: {e.Message}");
            return null;
        }
        if (record.Format == TrainingRecord.FormatWithoutAttribution || record.Attribution is null)
        {
            failure = new(AttributionFailureCode.TrainingRecordWithoutIndex,
                $"the training record ({record.Format ?? "no format"}) has no attribution section: it was written before attribution indexes existed");
            return null;
        }
        if (record.Format != TrainingRecord.CurrentFormat && record.Format != TrainingRecord.FormatWithOwner)
        {
            failure = new(AttributionFailureCode.TrainingRecordCorrupt, $"unknown training record format '{record.Format}'");
            return null;
        }
        if (!Hash32.TryParse(record.Adapter?.Keccak, out var adapter)
            || !Hash32.TryParse(record.Attribution.InfluenceIndex?.Keccak, out var influence)
            || !Hash32.TryParse(record.Attribution.SpanIndex?.Keccak, out var span))
        {
            failure = new(AttributionFailureCode.TrainingRecordCorrupt, "the training record's adapter or index keccak is not a 32-byte hash");
            return null;
        }
        return new AttributionArtifactRefs(adapter, influence, span, record.Dataset?.Task ?? "", record.BaseModel?.WeightsKeccak ?? "");
    }
}
