using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution.Spans;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Tokenizer;

namespace OpenLedger.ML.Attribution;

/// <summary>The attribution artifacts of a finished training run, as bytes ready for the content store and their
/// keccak-256: the influence index over the training examples' projected gradients (one row per training example,
/// in training order) and the span index over the same examples' tokens (one document per example, named by its
/// contribution); and the contributions flagged for curators from the index (<see cref="ContributionFlags"/>).
/// <see cref="Elapsed"/> is a clock reading: reported, never written into a record.</summary>
public sealed record AttributionArtifacts(
    byte[] InfluenceIndex, Hash32 InfluenceIndexHash, int Rows, int Dimension, ProjectionSpec Projection, PreconditionerKind Preconditioner,
    double Damping, byte[] SpanIndex, Hash32 SpanIndexHash, long Tokens, int Documents, TimeSpan Elapsed,
    IReadOnlyList<ContributionFlag> Flags, int FlaggedExamples, float FlagThreshold)
{
    /// <summary>Builds both indexes for <paramref name="adapter"/> (trained, unmerged) over <paramref name="train"/>,
    /// each example tokenized as training saw it (<see cref="TaskPrompt.Row"/> cut to the model's context), so a row's
    /// gradient is the gradient of the loss training lowered. Deterministic on one torch thread: same model, adapter
    /// and examples give the same bytes. Cancellation is checked between gradient batches.</summary>
    public static AttributionArtifacts Build(Gpt2Model model, LoraAdapter adapter, ITextTokenizer tokenizer, TaskKind task,
        IReadOnlyList<DatasetExample> train, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var projection = ProjectionSpec.Default;
        var kind = Attribution.Preconditioner.DefaultKind;
        var rows = train.Select(e =>
        {
            var (tokens, firstTarget) = TaskPrompt.Row(task, tokenizer, e.Example, model.Config.ContextLength + 1);
            return (Row: new AttributionRow(tokens, firstTarget), e.ContributionId);
        }).ToList();

        var influence = InfluenceIndexBuilder.Build(model, adapter, rows.Select(r => new IndexedExample(r.Row, r.ContributionId)).ToList(),
            projection, kind, cancellationToken: cancellationToken);
        var influenceBytes = influence.ToBytes();
        cancellationToken.ThrowIfCancellationRequested();
        var (flags, flaggedExamples, threshold) = ContributionFlags.Of(influence);

        var corpus = TokenCorpus.Create(rows.Select(r => new CorpusDocument(r.ContributionId.ToString(), r.Row.Tokens)), tokenizer.VocabSize);
        var span = Spans.SpanIndex.Build(corpus);
        var spanBytes = span.ToBytes();
        return new AttributionArtifacts(influenceBytes, Keccak256.Hash(influenceBytes), influence.Count, influence.Dimension, projection, kind,
            influence.Preconditioner.Damping, spanBytes, Keccak256.Hash(spanBytes), span.TokenCount, span.DocumentCount, clock.Elapsed,
            flags, flaggedExamples, threshold);
    }

    /// <summary>What the training record says about these artifacts (no clock readings: the record is reproducible).</summary>
    public TrainingRecord.AttributionInfo ToRecord() => new(
        new TrainingRecord.InfluenceIndexInfo(InfluenceIndexHash.ToString(), InfluenceIndex.LongLength, Rows, Dimension,
            $"LoRA gradient of each training example's answer NLL, LoGra factored Gaussian projection (kIn {Projection.InputDims}, kOut {Projection.OutputDims}, seed {Projection.Seed})",
            Preconditioner == PreconditionerKind.PerLayer ? "per-layer" : Preconditioner.ToString().ToLowerInvariant(), Damping,
            $"OLAI v{InfluenceIndexFormat.Version}"),
        new TrainingRecord.SpanIndexInfo(SpanIndexHash.ToString(), SpanIndex.LongLength, Tokens, Documents, $"OLSPANIX v{SpanIndexFormat.Version}"),
        new TrainingRecord.FlagsInfo(ContributionFlags.Rule, MislabelRule.DefaultTopShare, FlaggedExamples, FlagThreshold,
            Flags.Select(f => new TrainingRecord.FlaggedContributionInfo(f.Contribution.ToString(), f.Examples, f.FlaggedExamples, f.Score)).ToList()));
}
