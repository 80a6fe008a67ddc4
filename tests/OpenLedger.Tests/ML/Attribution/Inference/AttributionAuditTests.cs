using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.Attribution.Records;

namespace OpenLedger.Tests.ML.Attribution.Inference;

/// <summary>An auditor holding only the chain's facts and the content store's bytes recomputes a settled attribution:
/// the honest one is exact; a tampered record, index, served text or on-chain weight is caught with its reason.</summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class AttributionAuditTests(InferenceFixture fixture) : IClassFixture<InferenceFixture>
{
    private (AttributionInputs Inputs, AttributionOutcome Outcome, SettledAttribution Settled) Settled()
    {
        var inputs = fixture.Inputs(maxAttributions: 4);
        using var recorder = InferenceFixture.NewAttributor();
        var outcome = recorder.Attribute(inputs);
        Assert.True(outcome.Succeeded, outcome.ToString());
        return (inputs, outcome, new SettledAttribution(inputs.InferenceId, outcome.RecordHash!.Value, outcome.Contributions, outcome.Weights));
    }

    private static AuditVerdict Audit(SettledAttribution settled, byte[]? record, AttributionInputs content)
    {
        // The auditor's own attributor: nothing cached from the recorder.
        using var auditor = InferenceFixture.NewAttributor();
        return AttributionAudit.Verify(auditor, settled, record, content);
    }

    private static void AssertCaught(AuditVerdict verdict, string reason)
    {
        Assert.False(verdict.IsExact, verdict.ToString());
        Assert.Equal(reason, verdict.Reason);
        Assert.False(string.IsNullOrWhiteSpace(verdict.Message));
    }

    [Fact]
    public void The_honest_settlement_is_recomputed_exactly()
    {
        var (inputs, outcome, settled) = Settled();
        var verdict = Audit(settled, outcome.RecordBytes, inputs);
        Assert.True(verdict.IsExact, verdict.ToString());
        Assert.Null(verdict.Reason);
    }

    [Fact]
    public void A_record_that_is_missing_swapped_or_rewritten_is_caught()
    {
        var (inputs, outcome, settled) = Settled();
        AssertCaught(Audit(settled, null, inputs), AuditReason.RecordMissing);
        AssertCaught(Audit(settled, [.. outcome.RecordBytes!, (byte)' '], inputs), AuditReason.RecordHashMismatch);

        // A recorder that inflated the top contribution's score (and settled the rewritten record's hash): shares and
        // weights recomputed from it would still be consistent, so only the recomputation catches it.
        var record = outcome.Record!;
        var inflated = record.Contributions.Select((c, i) => i == 0 ? c with { Score = c.Score * 1.5 } : c).ToList();
        var forged = new AttributionRecord(record.Method, record.IndexHash, record.ModelId, record.ModelVersion, record.AdapterHash, record.InferenceId,
            record.InputHash, record.OutputHash, record.OutputTokens, inflated, record.Spans).Encode();
        var verdict = Audit(settled with { RecordHash = Keccak256.Hash(forged) }, forged, inputs);
        AssertCaught(verdict, AuditReason.ScoresDiffer);
        Assert.Contains("score", verdict.Message);

        // Not canonical JSON (whitespace added) but settled under its own hash.
        var spaced = System.Text.Encoding.UTF8.GetBytes(" " + System.Text.Encoding.UTF8.GetString(outcome.RecordBytes!));
        AssertCaught(Audit(settled with { RecordHash = Keccak256.Hash(spaced) }, spaced, inputs), AuditReason.RecordCorrupt);
    }

    [Fact]
    public void Weights_on_chain_that_are_not_the_records_are_caught()
    {
        var (inputs, outcome, settled) = Settled();
        Assert.True(outcome.Weights.Length >= 2, "the fixture's inference pays at least two contributions");
        var weights = outcome.Weights.ToArray();
        (weights[0], weights[1]) = (weights[0] - 1, weights[1] + 1);
        var verdict = Audit(settled with { Weights = weights }, outcome.RecordBytes, inputs);
        AssertCaught(verdict, AuditReason.OnChainWeightsMismatch);
        Assert.Contains("weight", verdict.Message);
        AssertCaught(Audit(settled with { Contributions = [.. outcome.Contributions.Reverse()] }, outcome.RecordBytes, inputs), AuditReason.OnChainWeightsMismatch);
        AssertCaught(Audit(settled with { Weights = [AttributionWeights.Scale] }, outcome.RecordBytes, inputs), AuditReason.OnChainWeightsMismatch);
    }

    [Fact]
    public void A_tampered_index_or_served_text_is_caught()
    {
        var (inputs, outcome, settled) = Settled();
        // The index in the store swapped for one with the top contribution's rows scaled: its bytes no longer hash to
        // what the training record names.
        var index = InfluenceIndex.FromBytes(fixture.Run.Attribution.InfluenceIndex);
        var rows = index.Rows.ToArray();
        for (var i = 0; i < rows.Length; i++) rows[i] *= 2;
        var tampered = new InfluenceIndex(index.Projection, index.Layout, rows, index.ContributionOfRow.ToArray(), index.Contributions, index.Preconditioner).ToBytes();
        var verdict = Audit(settled, outcome.RecordBytes, inputs with { InfluenceIndexBytes = tampered });
        AssertCaught(verdict, AuditReason.NotRecomputable);
        Assert.Contains(AttributionFailureCode.IndexHashMismatch, verdict.Message);

        // A training record rewritten to name the tampered index is another hash than the one the model registered.
        var renamed = InferenceFixture.WithRecord(inputs, fixture.RecordNamingIndex(tampered)) with { InfluenceIndexBytes = tampered };
        AssertCaught(Audit(settled, outcome.RecordBytes, renamed with { TrainingRecordHash = inputs.TrainingRecordHash }), AuditReason.NotRecomputable);
        // Even if the registered hash were the rewritten record's, the record names the original index.
        AssertCaught(Audit(settled, outcome.RecordBytes, renamed), AuditReason.RecordFactsMismatch);

        AssertCaught(Audit(settled, outcome.RecordBytes, inputs with { Output = "verb.motion" }), AuditReason.RecordFactsMismatch);
        AssertCaught(Audit(settled, outcome.RecordBytes, inputs with { MaxAttributions = 5 }), AuditReason.RecordFactsMismatch);
        AssertCaught(Audit(settled with { InferenceId = Keccak256.Hash("another") }, outcome.RecordBytes, inputs), AuditReason.RecordFactsMismatch);
    }

    [Fact]
    public void The_contributor_credits_on_chain_are_checked_against_what_the_records_weights_pay()
    {
        var (inputs, outcome, settled) = Settled();
        var escrow = new Wei(2_000_000_000_000_000_003UL);
        var payouts = new SettledPayouts(settled.InferenceId, settled.RecordHash, escrow, 1_000, 7_000, 2_000, []);
        var paid = payouts.ExpectedCredits(outcome.Weights);
        Assert.Equal(FeeSplit.Split(escrow, [1_000, 7_000, 2_000])[2], paid.Aggregate(Wei.Zero, (a, w) => a + w));
        payouts = payouts with { Credits = [.. outcome.Contributions.Zip(paid)] };
        using (var auditor = InferenceFixture.NewAttributor())
        {
            var verdict = AttributionAudit.Verify(auditor, payouts, outcome.RecordBytes, inputs);
            Assert.True(verdict.IsExact, verdict.ToString());
        }

        // One wei moved from the first contributor to the second: not what the record's weights pay.
        var moved = paid.ToArray();
        (moved[0], moved[1]) = (moved[0] - new Wei(1), moved[1] + new Wei(1));
        using (var auditor = InferenceFixture.NewAttributor())
        {
            var verdict = AttributionAudit.Verify(auditor, payouts with { Credits = [.. outcome.Contributions.Zip(moved)] }, outcome.RecordBytes, inputs);
            AssertCaught(verdict, AuditReason.OnChainWeightsMismatch);
            Assert.Contains("wei", verdict.Message);
            AssertCaught(AttributionAudit.Verify(auditor, payouts with { Credits = payouts.Credits.Skip(1).ToList() }, outcome.RecordBytes, inputs),
                AuditReason.OnChainWeightsMismatch);
            AssertCaught(AttributionAudit.Verify(auditor, payouts with { RecordHash = Hash32.Zero }, outcome.RecordBytes, inputs), AuditReason.NotSettled);
        }
    }
}
