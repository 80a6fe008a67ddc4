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

namespace OpenLedger.Tests.ML.Attribution;

/// <summary>The attribution artifacts a Model Factory run ends with, built over the built-in base model with a
/// rank-4 adapter whose B is random (as after training): both indexes parse, cover exactly the training examples and
/// name their contributions; the bytes are reproducible; a cancelled build stops; version 1 training records keep
/// their bytes.</summary>
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
        using var loaded = BaseModelRecipe.Load(BaseModelRecipe.BuiltinDirectory);
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
        using var loaded = BaseModelRecipe.Load(BaseModelRecipe.BuiltinDirectory);
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
            Assert.ThrowsAny<OperationCanceledException>(() => FineTuneRun.Run(BaseModelRecipe.BuiltinDirectory, dataset, spec, checkpoints,
                p => { if (p.Step == p.TotalSteps) cancel.Cancel(); }, cancel.Token));
            var resumed = FineTuneRun.Run(BaseModelRecipe.BuiltinDirectory, dataset, spec, checkpoints);
            var uninterrupted = FineTuneRun.Run(BaseModelRecipe.BuiltinDirectory, dataset, spec, checkpointDirectory: null);
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
