using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.Attribution.Spans;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using TorchSharp;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML.Attribution;

/// <summary>The attribution artifacts a Model Factory run ends with, built over the built-in base model with a
/// rank-4 adapter whose B is random (as after training): both indexes parse, cover exactly the training examples and
/// name their contributions; the bytes are reproducible; the harmful-data flags follow their rule; a cancelled build
/// stops; version 1 and 2 training records keep their bytes.</summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class AttributionArtifactsTests
{
    public AttributionArtifactsTests() => TorchRuntime.EnsureLoaded();

    /// <summary>The FineTuneTests glosses, each named by a made-up on-chain contribution id (not its content hash).</summary>
    private static IReadOnlyList<DatasetExample> Train() =>
        FineTuneTests.Dataset().Split().Train.Select((e, i) => e with { Contribution = Keccak256.Hash($"contribute {i}") }).ToList();

    private static AttributionArtifacts Build(IReadOnlyList<DatasetExample> train, CancellationToken cancellationToken = default)
    {
        using var single = TorchDeterminism.SingleThreaded();
        using var loaded = BaseModelRecipe.Load(TestBaseModel.Directory);
        var adapter = LoraAdapter.Apply(loaded.Model, new LoraConfig(4, 8, LoraConfig.AllProjections), 3);
        using (torch.no_grad())
        using (var generator = new torch.Generator(5, torch.CPU))
            foreach (var (_, layer) in adapter.Layers) layer.B.normal_(0, 0.05, generator);
        return AttributionArtifacts.Build(loaded.Model, adapter, loaded.Tokenizer, TaskKind.TextLabel, train, cancellationToken);
    }

    [Fact]
    public void Both_indexes_cover_the_training_examples_name_their_contributions_and_are_reproducible()
    {
        var train = Train();
        var first = Build(train);
        var second = Build(train);
        Assert.Equal(first.InfluenceIndex, second.InfluenceIndex);
        Assert.Equal(first.SpanIndex, second.SpanIndex);
        Assert.Equal(Keccak256.Hash(first.InfluenceIndex), first.InfluenceIndexHash);
        Assert.Equal(Keccak256.Hash(first.SpanIndex), first.SpanIndexHash);

        var influence = InfluenceIndexFormat.Read(first.InfluenceIndex);
        Assert.Equal(train.Count, influence.Count);
        Assert.Equal(train.Count, first.Rows);
        Assert.Equal(ProjectionSpec.Default, influence.Projection);
        Assert.Equal(Preconditioner.DefaultKind, influence.Preconditioner.Kind);
        // Rank 4 on 16 projections, 4 kept dims a side: (4·4 + 4·4) floats per layer.
        Assert.Equal(16 * 32, influence.Dimension);
        for (var i = 0; i < train.Count; i++) Assert.Equal(train[i].ContributionId, influence.Contributions[influence.ContributionOfRow[i]]);
        Assert.Contains(influence.Rows.ToArray(), v => v != 0);

        var spans = SpanIndex.Load(first.SpanIndex);
        Assert.Equal(train.Count, spans.DocumentCount);
        Assert.Equal(first.Tokens, spans.TokenCount);
        using var loaded = BaseModelRecipe.Load(TestBaseModel.Directory);
        var expectedTokens = 0L;
        for (var i = 0; i < train.Count; i++)
        {
            // Each document is the training row as the model saw it: prompt, cue, label and end-of-text.
            var (tokens, _) = TaskPrompt.Row(TaskKind.TextLabel, loaded.Tokenizer, train[i].Example, loaded.Model.Config.ContextLength + 1);
            expectedTokens += tokens.Length;
            var occurrences = spans.Locate(tokens, 10);
            Assert.Contains(occurrences, o => o.Document == i && o.Offset == 0 && o.ContributionId == train[i].ContributionId.ToString());
        }
        Assert.Equal(expectedTokens, spans.TokenCount);

        var record = first.ToRecord();
        Assert.Equal(first.InfluenceIndexHash.ToString(), record.InfluenceIndex.Keccak);
        Assert.Equal((long)first.InfluenceIndex.Length, record.InfluenceIndex.Bytes);
        Assert.Equal(first.SpanIndexHash.ToString(), record.SpanIndex.Keccak);
        Assert.Equal(train.Count, record.SpanIndex.Documents);
    }

    [Fact]
    public void A_cancelled_build_throws_and_returns_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Build(Train(), cancelled.Token));
    }

    [Fact]
    public void A_run_cancelled_while_indexing_ends_on_the_next_attempt_with_the_uninterrupted_record()
    {
        using var single = TorchDeterminism.SingleThreaded();
        var dataset = FineTuneTests.Dataset();
        var spec = new FineTuneSpec { Rank = 4, Alpha = 8, Steps = 4, BatchSize = 8, LearningRate = 5e-3, Seed = 17 };
        var checkpoints = Path.Combine(Path.GetTempPath(), "ol-attr-cancel-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Cancelled at the last step's report: training is done (and checkpointed), the index build sees the token.
            using var cancel = new CancellationTokenSource();
            Assert.ThrowsAny<OperationCanceledException>(() => FineTuneRun.Run(TestBaseModel.Directory, dataset, spec, checkpoints,
                p => { if (p.Step == p.TotalSteps) cancel.Cancel(); }, cancel.Token));
            var resumed = FineTuneRun.Run(TestBaseModel.Directory, dataset, spec, checkpoints);
            var uninterrupted = FineTuneRun.Run(TestBaseModel.Directory, dataset, spec, checkpointDirectory: null);
            Assert.Equal(uninterrupted.Attribution.InfluenceIndex, resumed.Attribution.InfluenceIndex);
            Assert.Equal(uninterrupted.Attribution.SpanIndex, resumed.Attribution.SpanIndex);
            Assert.Equal(uninterrupted.RecordBytes, resumed.RecordBytes);
            Assert.Equal(TrainingRecord.CurrentFormat, resumed.Record.Format);
            Assert.Equal(resumed.Attribution.InfluenceIndexHash.ToString(), resumed.Record.Attribution!.InfluenceIndex.Keccak);
        }
        finally
        {
            if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
        }
    }

    [Fact]
    public void A_version_2_record_without_flags_keeps_its_bytes_and_a_version_3_record_round_trips_its_flags()
    {
        var v2 = new TrainingRecord(TrainingRecord.FormatWithoutFlags,
            new TrainingRecord.BaseModelInfo("builtin:0x01", "0x02", "0x03"),
            new TrainingRecord.DatasetInfo("0x04", "0x05", 1, "0x06", "text-label", 3, 3, 0, "none", []),
            new FineTuneSpec(),
            new TrainingRecord.RunInfo(10, 1, 100, 2.5, "AdamW", 1),
            new TrainingRecord.MetricsInfo(null, null, null, null, null, null),
            new TrainingRecord.AdapterInfo("0x07", 100, 10, "safetensors"),
            new TrainingRecord.AttributionInfo(
                new TrainingRecord.InfluenceIndexInfo("0x08", 1000, 3, 64, "LoGra", "per-layer", 0.1, "OLAI v1"),
                new TrainingRecord.SpanIndexInfo("0x09", 500, 40, 3, "OLSPANIX v1")));
        var bytes = v2.ToBytes();
        Assert.DoesNotContain("flags", Encoding.UTF8.GetString(bytes));
        var parsed = TrainingRecord.Parse(bytes);
        Assert.Null(parsed.Attribution!.Flags);
        Assert.Equal(bytes, parsed.ToBytes());

        var v3 = v2 with
        {
            Format = TrainingRecord.CurrentFormat,
            Attribution = v2.Attribution! with
            {
                Flags = new TrainingRecord.FlagsInfo(ContributionFlags.Rule, MislabelRule.DefaultTopShare, 1, 0.123456789f,
                    [new TrainingRecord.FlaggedContributionInfo("0x0a", 1, 1, 0.123456789f)]),
            },
        };
        var v3Bytes = v3.ToBytes();
        var back = TrainingRecord.Parse(v3Bytes);
        Assert.Equal(v3Bytes, back.ToBytes());
        Assert.Equal(0.123456789f, back.Attribution!.Flags!.Contributions[0].Score);
        Assert.Equal(("0x0a", 1), (back.Attribution.Flags.Contributions[0].Contribution, back.Attribution.Flags.FlaggedExamples));
    }

    [Fact]
    public void Flags_follow_the_rule_per_contribution_and_are_the_same_for_the_same_index()
    {
        // The first eight examples in pairs (four contributions of two examples), the others alone: the top 10% by
        // self-influence flags a contribution when at least half of its examples are among them.
        var train = Train().Select((e, i) => i < 8 ? e with { Contribution = Keccak256.Hash($"pair {i / 2}") } : e).ToList();
        var first = Build(train);
        var index = InfluenceIndexFormat.Read(first.InfluenceIndex);
        var self = SelfInfluence.Of(index);
        var flaggedRows = MislabelRule.Flag(self).ToHashSet();
        var (flags, flaggedExamples, threshold) = ContributionFlags.Of(index);
        Assert.Equal(flaggedRows.Count, flaggedExamples);
        Assert.Equal(flaggedRows.Min(r => self[r]), threshold);
        for (var c = 0; c < index.Contributions.Count; c++)
        {
            var rows = Enumerable.Range(0, index.Count).Where(r => index.ContributionOfRow[r] == c).ToList();
            var hits = rows.Count(flaggedRows.Contains);
            var flag = flags.SingleOrDefault(f => f.Contribution == index.Contributions[c]);
            Assert.Equal(hits > 0 && 2 * hits >= rows.Count, flag is not null);
            if (flag is not null) Assert.Equal((rows.Count, hits, rows.Max(r => self[r])), (flag.Examples, flag.FlaggedExamples, flag.Score));
        }
        Assert.Equal(flags, first.Flags);
        Assert.Equal(flags, ContributionFlags.Of(InfluenceIndexFormat.Read(first.InfluenceIndex)).Flags);
    }

    [Fact]
    public void A_version_1_training_record_parses_and_keeps_its_bytes()
    {
        // A record as FineTuneRun wrote it before attribution indexes: no "attribution" member at all.
        var v1 = new TrainingRecord(TrainingRecord.FormatWithoutAttribution,
            new TrainingRecord.BaseModelInfo("builtin:0x01", "0x02", "0x03"),
            new TrainingRecord.DatasetInfo("0x04", "0x05", 1, "0x06", "text-label", 3, 3, 0, "none", []),
            new FineTuneSpec(),
            new TrainingRecord.RunInfo(10, 1, 100, 2.5, "AdamW", 1),
            new TrainingRecord.MetricsInfo(null, null, null, null, null, null),
            new TrainingRecord.AdapterInfo("0x07", 100, 10, "safetensors"));
        var bytes = v1.ToBytes();
        Assert.DoesNotContain("attribution", Encoding.UTF8.GetString(bytes));
        var parsed = TrainingRecord.Parse(bytes);
        Assert.Null(parsed.Attribution);
        Assert.Equal(bytes, parsed.ToBytes());
        Assert.Equal(Keccak256.Hash(bytes), parsed.Hash());
    }
}
