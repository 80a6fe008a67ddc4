using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.Attribution.Records;
using OpenLedger.ML.Attribution.Spans;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using TorchSharp;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML.Attribution.Inference;

/// <summary>One served inference attributed from the content a node holds for a real Model Factory model: the record
/// and weights on success; every bad artifact a stable code and no weights; the same inputs the same bytes.</summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class InferenceAttributorTests(InferenceFixture fixture) : IClassFixture<InferenceFixture>
{
    private static void AssertFailed(AttributionOutcome outcome, string code)
    {
        Assert.False(outcome.Succeeded, outcome.ToString());
        Assert.Equal(code, outcome.Failure!.Code);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Failure.Message));
        Assert.Empty(outcome.Contributions);
        Assert.Empty(outcome.Weights);
        Assert.Null(outcome.Record);
        Assert.Null(outcome.RecordBytes);
        Assert.Null(outcome.RecordHash);
    }

    [Fact]
    public void A_served_inference_gets_a_canonical_record_whose_weights_are_ready_to_settle()
    {
        using var attributor = InferenceFixture.NewAttributor();
        var inputs = fixture.Inputs(maxAttributions: 5);
        var outcome = attributor.Attribute(inputs);
        Assert.True(outcome.Succeeded, outcome.ToString());

        var record = AttributionRecord.Parse(outcome.RecordBytes!);
        Assert.Equal(Keccak256.Hash(outcome.RecordBytes!), outcome.RecordHash);
        Assert.Equal(inputs.InferenceId, record.InferenceId);
        Assert.Equal(InferenceFixture.Model, record.ModelId);
        Assert.Equal(1u, record.ModelVersion);
        Assert.Equal(fixture.Run.AdapterHash, record.AdapterHash);
        Assert.Equal(fixture.Run.Attribution.InfluenceIndexHash, record.IndexHash);
        Assert.Equal(AttributionRecord.HashText(inputs.Input), record.InputHash);
        Assert.Equal(AttributionRecord.HashText("noun.artifact"), record.OutputHash);
        Assert.Equal(5, record.Method.MaxAttributions);

        Assert.InRange(outcome.Contributions.Length, 1, 5);
        Assert.Equal(record.Contributions.Select(c => c.Contribution), outcome.Contributions);
        Assert.Equal(record.Contributions.Select(c => c.Weight), outcome.Weights);
        Assert.Equal(AttributionWeights.Scale, outcome.Weights.Aggregate(0UL, (a, w) => a + w));
        Assert.All(record.Contributions, c => Assert.True(c.Score > 0));
        // Every paid contribution is one the model was trained on (a training example's contribution, not a held-out one).
        var (train, _) = FineTuneTests.Dataset().Split();
        Assert.All(outcome.Contributions, c => Assert.Contains(c, train.Select(e => e.ContributionId)));

        // The output the record scored is " noun.artifact" and end-of-text, the label as training saw it.
        var row = ServedRow.For(TaskKind.TextLabel, attributor.Tokenizer, inputs.Input, inputs.Output,
            BaseModelRecipe.ReadManifest(TestBaseModel.Directory).Config.ContextLength, out _)!.Value;
        Assert.Equal(row.Tokens.Length - row.FirstTarget, record.OutputTokens);
    }

    [Fact]
    public void MaxAttributions_caps_the_paid_contributions_and_the_weights_still_sum_to_the_scale()
    {
        using var attributor = InferenceFixture.NewAttributor();
        var all = attributor.Attribute(fixture.Inputs(maxAttributions: 64));
        Assert.True(all.Succeeded, all.ToString());
        foreach (var cap in new[] { 1, 2, 3 })
        {
            var capped = attributor.Attribute(fixture.Inputs(maxAttributions: cap));
            Assert.True(capped.Succeeded, capped.ToString());
            Assert.Equal(Math.Min(cap, all.Contributions.Length), capped.Contributions.Length);
            // The top of the ranking is the same contributions; the shares are renormalised over the kept ones.
            Assert.Equal(all.Contributions.Take(cap), capped.Contributions);
            Assert.Equal(AttributionWeights.Scale, capped.Weights.Aggregate(0UL, (a, w) => a + w));
        }
        Assert.Equal([AttributionWeights.Scale], attributor.Attribute(fixture.Inputs(maxAttributions: 1)).Weights);
    }

    [Fact]
    public void The_same_inference_gives_byte_identical_records_twice_in_one_attributor_and_in_a_fresh_one_whatever_the_thread_count()
    {
        byte[] first, second, third;
        using (var attributor = InferenceFixture.NewAttributor())
        {
            first = attributor.Attribute(fixture.Inputs()).RecordBytes!;
            // Another inference in between (other output: another query gradient) does not leave state behind.
            Assert.True(attributor.Attribute(fixture.Inputs(output: "verb.motion", inference: "other")).Succeeded);
            second = attributor.Attribute(fixture.Inputs()).RecordBytes!;
        }
        var threads = torch.get_num_threads();
        torch.set_num_threads(2);
        try
        {
            using var fresh = InferenceFixture.NewAttributor();
            third = fresh.Attribute(fixture.Inputs()).RecordBytes!;
            Assert.Equal(2, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(threads);
        }
        Assert.NotNull(first);
        Assert.Equal(first, second);
        Assert.Equal(first, third);
    }

    [Fact]
    public void Span_evidence_names_the_contributions_holding_the_outputs_verbatim_spans()
    {
        using var attributor = InferenceFixture.NewAttributor();
        // A prompt-completion style answer is not needed: a text-label answer long enough to match a training gloss.
        var (train, _) = FineTuneTests.Dataset().Split();
        var gloss = train[0].Example.Input;
        var outcome = attributor.Attribute(fixture.Inputs(input: "repeat", output: gloss));
        Assert.True(outcome.Succeeded, outcome.ToString());
        var spans = outcome.Record!.Spans;
        Assert.NotEmpty(spans);
        var longest = spans.MaxBy(s => s.Length)!;
        Assert.Contains(train[0].ContributionId.ToString(), longest.Contributions);
        Assert.NotNull(longest.Text);
        Assert.Contains(longest.Text!.Trim(), gloss);
        Assert.All(spans, s => Assert.True(s.Length >= SpanQueryOptions.DefaultMinLength));
    }

    [Fact]
    public void A_training_record_that_is_missing_garbage_version_1_or_not_the_registered_one_is_refused()
    {
        using var attributor = InferenceFixture.NewAttributor();
        var inputs = fixture.Inputs();
        AssertFailed(attributor.Attribute(inputs with { TrainingRecordHash = Hash32.Zero }), AttributionFailureCode.NoTrainingRecord);
        AssertFailed(attributor.Attribute(inputs with { TrainingRecordBytes = null }), AttributionFailureCode.NoTrainingRecord);
        AssertFailed(attributor.Attribute(inputs with { TrainingRecordHash = Keccak256.Hash("another") }), AttributionFailureCode.TrainingRecordHashMismatch);
        var garbage = "{\"format\": 7, not json"u8.ToArray();
        AssertFailed(attributor.Attribute(inputs with { TrainingRecordBytes = garbage, TrainingRecordHash = Keccak256.Hash(garbage) }),
            AttributionFailureCode.TrainingRecordCorrupt);
        var version1 = fixture.Run.Record with { Format = TrainingRecord.FormatWithoutAttribution, Attribution = null };
        AssertFailed(attributor.Attribute(InferenceFixture.WithRecord(inputs, version1)), AttributionFailureCode.TrainingRecordWithoutIndex);
        Assert.Null(InferenceAttributor.ArtifactsOf(version1.ToBytes(), out var failure));
        Assert.Equal(AttributionFailureCode.TrainingRecordWithoutIndex, failure!.Code);

        var refs = InferenceAttributor.ArtifactsOf(fixture.Run.RecordBytes, out failure);
        Assert.Null(failure);
        Assert.Equal(fixture.Run.Attribution.InfluenceIndexHash, refs!.InfluenceIndexHash);
        Assert.Equal(fixture.Run.Attribution.SpanIndexHash, refs.SpanIndexHash);
        Assert.Equal(fixture.Run.AdapterHash, refs.AdapterHash);
    }

    [Fact]
    public void A_missing_corrupt_or_substituted_index_is_refused_with_its_code()
    {
        using var attributor = InferenceFixture.NewAttributor();
        var inputs = fixture.Inputs();
        AssertFailed(attributor.Attribute(inputs with { InfluenceIndexBytes = null }), AttributionFailureCode.IndexMissing);
        var substituted = (byte[])fixture.Run.Attribution.InfluenceIndex.Clone();
        substituted[^1] ^= 1;
        AssertFailed(attributor.Attribute(inputs with { InfluenceIndexBytes = substituted }), AttributionFailureCode.IndexHashMismatch);
        // Corrupt bytes that the training record does name (hash right, content wrong): truncated.
        var truncated = fixture.Run.Attribution.InfluenceIndex[..^7];
        AssertFailed(attributor.Attribute(InferenceFixture.WithRecord(inputs, fixture.RecordNamingIndex(truncated)) with { InfluenceIndexBytes = truncated }),
            AttributionFailureCode.IndexCorrupt);
        AssertFailed(attributor.Attribute(inputs with { SpanIndexBytes = null }), AttributionFailureCode.SpanIndexMissing);
        AssertFailed(attributor.Attribute(inputs with { SpanIndexBytes = [1, 2, 3] }), AttributionFailureCode.SpanIndexHashMismatch);
        // And the good index still works afterwards in the same attributor.
        Assert.True(attributor.Attribute(inputs).Succeeded);
    }

    [Fact]
    public void A_missing_corrupt_or_other_adapter_is_refused_with_its_code()
    {
        using var attributor = InferenceFixture.NewAttributor();
        var inputs = fixture.Inputs();
        AssertFailed(attributor.Attribute(inputs with { AdapterBytes = null }), AttributionFailureCode.AdapterMissing);
        AssertFailed(attributor.Attribute(inputs with { AdapterBytes = [.. fixture.Run.Adapter, 0] }), AttributionFailureCode.AdapterHashMismatch);
        AssertFailed(attributor.Attribute(inputs with { AdapterHash = Keccak256.Hash("other") }), AttributionFailureCode.AdapterHashMismatch);
        var garbage = "not a safetensors file"u8.ToArray();
        var naming = fixture.Run.Record with { Adapter = fixture.Run.Record.Adapter with { Keccak = Keccak256.Hash(garbage).ToString() } };
        AssertFailed(attributor.Attribute(InferenceFixture.WithRecord(inputs, naming) with { AdapterHash = Keccak256.Hash(garbage), AdapterBytes = garbage }),
            AttributionFailureCode.AdapterCorrupt);
        Assert.True(attributor.Attribute(inputs).Succeeded);
    }

    [Fact]
    public void An_output_that_cannot_be_rescored_a_wrong_task_a_bad_cap_or_no_positive_influence_leaves_nothing_to_settle()
    {
        using var attributor = InferenceFixture.NewAttributor();
        var inputs = fixture.Inputs();
        AssertFailed(attributor.Attribute(inputs with { Output = "" }), AttributionFailureCode.OutputNotRescorable);
        AssertFailed(attributor.Attribute(inputs with { Output = "  \n" }), AttributionFailureCode.OutputNotRescorable);
        AssertFailed(attributor.Attribute(inputs with { Output = string.Join(" ", Enumerable.Repeat("hammer", 400)) }), AttributionFailureCode.OutputNotRescorable);
        AssertFailed(attributor.Attribute(inputs with { Task = TaskKind.PromptCompletion }), AttributionFailureCode.TaskMismatch);
        AssertFailed(attributor.Attribute(inputs with { MaxAttributions = 0 }), AttributionFailureCode.BadMaxAttributions);

        // An index whose rows are all zero: every score is 0, nobody is paid, the inference is left to expire.
        var index = InfluenceIndex.FromBytes(fixture.Run.Attribution.InfluenceIndex);
        var zero = new InfluenceIndex(index.Projection, index.Layout, new float[index.Rows.Length], index.ContributionOfRow.ToArray(),
            index.Contributions, index.Preconditioner).ToBytes();
        AssertFailed(attributor.Attribute(InferenceFixture.WithRecord(inputs, fixture.RecordNamingIndex(zero)) with { InfluenceIndexBytes = zero }),
            AttributionFailureCode.NoPositiveInfluence);
    }

    [Fact]
    public void Random_garbage_and_damaged_artifacts_never_throw_and_never_return_partial_weights()
    {
        using var attributor = InferenceFixture.NewAttributor();
        var random = new Random(20261207);
        byte[]? Bytes() => random.Next(5) == 0 ? null : Enumerable.Range(0, random.Next(0, 200)).Select(_ => (byte)random.Next(256)).ToArray();
        byte[] Damaged(byte[] good)
        {
            var copy = (byte[])good.Clone();
            for (var i = 0; i < 1 + random.Next(4); i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            return random.Next(3) == 0 ? copy[..random.Next(copy.Length)] : copy;
        }
        var good = fixture.Inputs();
        var codes = new HashSet<string>();
        for (var i = 0; i < 60; i++)
        {
            AttributionInputs inputs;
            switch (i % 3)
            {
                case 0:
                    var recordBytes = Bytes();
                    inputs = good with
                    {
                        TrainingRecordBytes = recordBytes, TrainingRecordHash = recordBytes is null ? Hash32.Zero : Keccak256.Hash(recordBytes),
                        AdapterBytes = Bytes(), InfluenceIndexBytes = Bytes(), SpanIndexBytes = Bytes(),
                        Input = new string((char)random.Next(1, 0xD7FF), random.Next(50)), Output = new string((char)random.Next(1, 0xD7FF), random.Next(50)),
                        MaxAttributions = random.Next(-2, 20), Task = (TaskKind)random.Next(0, 5),
                    };
                    break;
                case 1:
                    // A damaged index that the training record names (the hash check passes; the parser must refuse it).
                    var index = Damaged(fixture.Run.Attribution.InfluenceIndex);
                    inputs = InferenceFixture.WithRecord(good, fixture.RecordNamingIndex(index)) with { InfluenceIndexBytes = index };
                    break;
                default:
                    var adapter = Damaged(fixture.Run.Adapter);
                    var naming = fixture.Run.Record with { Adapter = fixture.Run.Record.Adapter with { Keccak = Keccak256.Hash(adapter).ToString() } };
                    inputs = InferenceFixture.WithRecord(good, naming) with { AdapterHash = Keccak256.Hash(adapter), AdapterBytes = adapter };
                    break;
            }
            var outcome = attributor.Attribute(inputs);
            if (outcome.Succeeded)
            {
                Assert.Equal(AttributionWeights.Scale, outcome.Weights.Aggregate(0UL, (a, w) => a + w));
                Assert.Equal(outcome.Contributions.Length, outcome.Weights.Length);
                continue;
            }
            Assert.Contains(outcome.Failure!.Code, AttributionFailureCode.All);
            Assert.Empty(outcome.Weights);
            Assert.Empty(outcome.Contributions);
            codes.Add(outcome.Failure.Code);
        }
        Assert.Contains(AttributionFailureCode.IndexCorrupt, codes);
        Assert.True(attributor.Attribute(good).Succeeded);
    }
}
