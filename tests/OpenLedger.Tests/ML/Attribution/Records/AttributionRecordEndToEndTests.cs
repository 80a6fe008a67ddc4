using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.Attribution.Records;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using static OpenLedger.Tests.ML.Attribution.AttributionFixture;

namespace OpenLedger.Tests.ML.Attribution.Records;

/// <summary>The auditor's path on a real (tiny) model: the recorder attributes a served row against an index and
/// stores the record's bytes; the auditor, holding only the adapter (rebuilt from its seeds here), the index bytes and
/// the record bytes, recomputes the scores and gets an exact verdict.</summary>
[Collection(TorchSettingsCollection.Name)]
public class AttributionRecordEndToEndTests
{
    private static readonly LoraConfig Lora = new(Rank: 4, Alpha: 8, LoraConfig.AllProjections);

    public AttributionRecordEndToEndTests() => TorchRuntime.EnsureLoaded();

    private static byte[] Record(byte[] indexBytes, AttributionRow served, int maxAttributions)
    {
        var (model, adapter) = Model(Lora);
        using var _ = model;
        var index = InfluenceIndex.FromBytes(indexBytes);
        using var query = new InfluenceQuery(model, adapter, index);
        var attribution = query.Attribute(served, maxAttributions);
        return AttributionRecord.ForInfluence(index, Keccak256.Hash(indexBytes), maxAttributions, attribution, Keccak256.Hash("model"), 1,
            null, Keccak256.Hash("inference"), "the prompt", "the answer", served.Tokens.Length - served.FirstTarget, []).Encode();
    }

    [Fact]
    public void A_stored_record_is_recomputed_exactly_from_the_adapter_and_index_and_a_changed_index_is_caught()
    {
        using var single = TorchDeterminism.SingleThreaded();
        byte[] indexBytes;
        {
            var (model, adapter) = Model(Lora);
            using var _ = model;
            var examples = Rows(12, seed: 71).Select((r, i) => new IndexedExample(r, Contribution(i % 5))).ToArray();
            indexBytes = InfluenceIndexBuilder.Build(model, adapter, examples, ProjectionSpec.Default, PreconditionerKind.PerLayer, batchSize: 4).ToBytes();
        }
        var served = Rows(1, seed: 72)[0];
        var bytes = Record(indexBytes, served, maxAttributions: 3);
        // Attributing the same inference again gives the same bytes, hence the same on-chain hash.
        Assert.Equal(bytes, Record(indexBytes, served, maxAttributions: 3));

        var record = AttributionRecord.Parse(bytes);
        Assert.Equal(Keccak256.Hash(indexBytes), record.IndexHash);
        Assert.NotEmpty(record.Contributions);
        Assert.Equal(PreconditionerKind.PerLayer, record.Method.Preconditioner);
        var index = InfluenceIndex.FromBytes(indexBytes);
        (Hash32, double)[] Recompute(InfluenceIndex with)
        {
            var (model, adapter) = Model(Lora);
            using var _ = model;
            using var query = new InfluenceQuery(model, adapter, with);
            var scores = query.Attribute(served, record.Method.MaxAttributions).ContributionScores;
            return [.. with.Contributions.Zip(scores)];
        }
        var verdict = AttributionRecordVerifier.Verify(record, Recompute(index), []);
        Assert.True(verdict.IsExact, verdict.ToString());

        // The same index with one row of the top contribution changed (a tampered artifact) no longer reproduces the record.
        var rows = index.Rows.ToArray();
        var top = index.Contributions.ToList().IndexOf(record.Contributions[0].Contribution);
        var row = index.ContributionOfRow.ToArray().ToList().IndexOf(top);
        for (var d = 0; d < index.Dimension; d++) rows[row * index.Dimension + d] *= -3;
        var tampered = new InfluenceIndex(index.Projection, index.Layout, rows, index.ContributionOfRow.ToArray(), index.Contributions, index.Preconditioner);
        Assert.False(AttributionRecordVerifier.Verify(record, Recompute(tampered), []).IsExact);
    }
}
