using System.Text;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Clients;

/// <summary>The Proof of Attribution views through the public API, on a real node (<see cref="AttributionViewsFixture"/>):
/// <c>Inference.attribution</c>, <c>Contribution.influence</c> and <c>Model.attributionIndex</c> through the typed client,
/// and <c>openledger attribution --inference</c>, with the cases that must read as null or fail with a stable code.</summary>
public sealed class AttributionViewsTests(AttributionViewsFixture f, ITestOutputHelper log) : IClassFixture<AttributionViewsFixture>
{
    /// <summary>What the settlement of <paramref name="weights"/> paid each contribution: the core's own exact split.</summary>
    private static Wei[] Payouts(IReadOnlyList<ulong> weights) =>
        FeeSplit.Split(FeeSplit.Split(AttributionViewsFixture.Price, [1000, 2000, 7000])[2], weights);

    [Fact]
    public async Task A_settled_inference_shows_its_record_its_contributions_with_score_share_and_exact_payout_and_its_spans()
    {
        var a = await f.Client.GetAttributionAsync(f.Attributed, withJson: true);
        Assert.NotNull(a);
        Assert.Equal(("lora-gradient-influence", 4, f.Record.IndexHash, 1, true), (a.Method, a.MaxAttributions, a.IndexHash, a.ModelVersion, a.NamesThisInference));
        // The record is the stored bytes, and they hash to what the chain settled.
        Assert.Equal(f.Record.Hash, a.Record);
        Assert.Equal((await f.Client.GetInferenceAsync(f.Attributed))!.Record, a.Record);
        Assert.Equal(f.RecordBytes, Encoding.UTF8.GetBytes(a.Json!));
        Assert.Equal(a.Record, Keccak256.Hash(Encoding.UTF8.GetBytes(a.Json!)));

        // Two credited (the third's influence was negative), in rank order, each with the contributor, its text and the
        // wei the settlement paid it, exactly as the core splits the escrow.
        var payouts = Payouts(f.Weights);
        Assert.Equal([f.Contributions[0], f.Contributions[1]], a.Contributions.Select(c => c.Contribution));
        Assert.Equal([0.75, 0.25], a.Contributions.Select(c => Math.Round(c.Share, 12)));
        Assert.Equal([0.6, 0.2], a.Contributions.Select(c => c.Score));
        Assert.Equal(f.Weights.Select(w => (long)w), a.Contributions.Select(c => c.Weight));
        Assert.Equal(payouts, a.Contributions.Select(c => c.Payout!.Value));
        Assert.Equal([f.Node.Chain.Keys[1].Address, f.Node.Chain.Keys[2].Address], a.Contributions.Select(c => c.Contributor!.Value));
        Assert.Contains(AttributionViewsFixture.Examples[0].Input, a.Contributions[0].Text);
        Assert.Contains("noun.animal", a.Contributions[0].Text);

        var span = Assert.Single(a.Spans);
        Assert.Equal((0, 3, 2, AttributionViewsFixture.Output), (span.Start, span.Length, span.Count, span.Text));
        Assert.Equal([f.Contributions[0].ToString(), f.Contributions[1].ToString()], span.Contributions);

        // first: the top contributions only; and the span resolves its contributions to the chain's objects.
        Assert.Equal([f.Contributions[0]], (await f.Client.GetAttributionAsync(f.Attributed, first: 1))!.Contributions.Select(c => c.Contribution));
        var spans = await f.Client.QueryAsync("query($id: Hash!) { inference(id: $id) { attribution { spans { contribution { id } contributions { contributor } } } } }",
            new { id = f.Attributed.ToString() });
        var s = spans.GetProperty("inference").GetProperty("attribution").GetProperty("spans")[0];
        Assert.Equal(f.Contributions[0].ToString(), s.GetProperty("contribution").GetProperty("id").GetString());
        Assert.Equal([f.Node.Chain.Keys[1].Address.ToString(), f.Node.Chain.Keys[2].Address.ToString()],
            s.GetProperty("contributions").EnumerateArray().Select(c => c.GetProperty("contributor").GetString()));
    }

    [Fact]
    public async Task Attribution_is_null_until_settled_and_when_the_store_lacks_the_record_or_holds_something_else()
    {
        Assert.Null(await f.Client.GetAttributionAsync(f.Unsettled));
        Assert.Null(await f.Client.GetAttributionAsync(f.RecordMissing));
        Assert.Null(await f.Client.GetAttributionAsync(f.NotARecord));
        Assert.Null(await f.Client.GetAttributionAsync(Keccak256.Hash("no such inference")));
        // The settlements themselves stand: the chain holds their record hashes and paid by their weights.
        Assert.NotEqual(Hash32.Zero, (await f.Client.GetInferenceAsync(f.RecordMissing))!.Record);
        var bad = await Assert.ThrowsAsync<GraphQLRequestException>(() =>
            f.Client.QueryAsync("query($id: Hash!) { inference(id: $id) { attribution { contributions(first: 0) { score } } } }", new { id = f.Attributed.ToString() }));
        Assert.Contains("BAD_ARGUMENTS", bad.Message);
    }

    [Fact]
    public async Task Influence_counts_the_settlements_that_paid_each_contribution_and_sums_their_credits()
    {
        var payouts = Payouts(f.Weights);
        // Contribution 0: the attributed settlement and the one whose record is missing (all of the contributors' part).
        var first = await f.Client.GetInfluenceAsync(f.Contributions[0]);
        var all = Payouts([1])[0];
        Assert.Equal((2L, payouts[0] + all, f.RecordMissing), (first!.Inferences, first.Paid, first.LastInference));
        Assert.Equal((await f.Client.GetInferenceAsync(f.RecordMissing))!.ResolvedHeight, first.LastPaidHeight);
        // Contribution 1: the attributed one and the one settled with a non-record.
        var second = await f.Client.GetInfluenceAsync(f.Contributions[1]);
        Assert.Equal((2L, payouts[1] + all, f.NotARecord), (second!.Inferences, second.Paid, second.LastInference));
        // Contribution 2 (same contributor as 0, negative influence): never paid.
        var third = await f.Client.GetInfluenceAsync(f.Contributions[2]);
        Assert.Equal((0L, Wei.Zero, (long?)null, (Hash32?)null), (third!.Inferences, third.Paid, third.LastPaidHeight, third.LastInference));
        Assert.Null(await f.Client.GetInfluenceAsync(Keccak256.Hash("no such contribution")));
    }

    [Fact]
    public async Task Attribution_index_comes_from_the_training_record_and_is_null_without_one()
    {
        var x = await f.Client.GetAttributionIndexAsync(f.IndexedModel);
        var named = f.IndexedTrainingRecord.Attribution!;
        Assert.NotNull(x);
        Assert.Equal(f.IndexedTrainingRecord.Hash(), x.TrainingRecord);
        Assert.Equal((1, Hash32.Parse(named.InfluenceIndex.Keccak), 3, 512, "lora-gradient-influence", "per-layer", 0.1),
            (x.ModelVersion, x.InfluenceIndex, x.Rows, x.Dimension, x.Method, x.Preconditioner, x.Damping));
        Assert.Equal((Hash32.Parse(named.SpanIndex.Keccak), 400L, 45L, 3, named.InfluenceIndex.Bytes),
            (x.SpanIndex, x.SpanIndexBytes, x.Tokens, x.Documents, x.InfluenceIndexBytes));
        Assert.Equal(x, await f.Client.GetAttributionIndexAsync(f.IndexedModel, version: 1));

        Assert.Null(await f.Client.GetAttributionIndexAsync(f.UnindexedModel));
        Assert.Null(await f.Client.GetAttributionIndexAsync(f.UnrecordedModel));
        Assert.Null(await f.Client.GetAttributionIndexAsync(f.IndexedModel, version: 2));
        Assert.Null(await f.Client.GetAttributionIndexAsync(Keccak256.Hash("no such model")));
        var bad = await Assert.ThrowsAsync<GraphQLRequestException>(() => f.Client.GetAttributionIndexAsync(f.IndexedModel, version: 0));
        Assert.Contains("BAD_ARGUMENTS", bad.Message);
    }

    [Fact]
    public async Task Cli_attribution_prints_who_was_paid_what_and_why()
    {
        var r = await f.Node.RunAsync("attribution", "--inference", f.Attributed.ToString());
        log.WriteLine(r.ToString());
        Assert.Equal(0, r.ExitCode);
        var payouts = Payouts(f.Weights);
        Assert.Equal(f.Record.Hash.ToString(), r.Field("record"));
        Assert.Equal("1 OPEN", r.Field("escrow"));
        Assert.StartsWith("0.1 OPEN to ", r.Field("protocol"));
        Assert.Equal($"0.2 OPEN to {f.Node.Chain.Keys[3].Address}", r.Field("owner"));
        Assert.StartsWith("0.7 OPEN to 2 contributions", r.Field("contributors"));
        var lines = r.Lines.ToList();
        var top = lines.FindIndex(l => l.TrimStart().StartsWith("1. ", StringComparison.Ordinal));
        Assert.True(top > 0, r.ToString());
        // Rank 1: share, payout, contributor; then its id and a snippet of its text.
        Assert.Contains("75.00%", lines[top]);
        Assert.Contains($"{payouts[0].ToOpenString()} OPEN", lines[top]);
        Assert.Contains(f.Node.Chain.Keys[1].Address.ToString(), lines[top]);
        Assert.Contains(f.Contributions[0].ToString(), lines[top + 1]);
        Assert.StartsWith("\"a member of the genus Canis", lines[top + 2].Trim());
        Assert.EndsWith("-> noun.animal", lines[top + 2]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("2. ", StringComparison.Ordinal) && l.Contains("25.00%") && l.Contains(f.Node.Chain.Keys[2].Address.ToString()));
        Assert.Contains(lines, l => l.Contains("\"noun.animal\" x2 in", StringComparison.Ordinal));
        // --top 1: only the first.
        var one = await f.Node.RunAsync("attribution", "--inference", f.Attributed.ToString(), "--top", "1");
        Assert.DoesNotContain(one.Lines, l => l.TrimStart().StartsWith("2. ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cli_attribution_bad_input_gets_a_stable_code_and_the_exit_code_of_the_other_verbs()
    {
        async Task Fails(int exit, string expected, params string[] argv)
        {
            var r = await f.Node.RunAsync(argv);
            log.WriteLine(r.ToString());
            Assert.Equal(exit, r.ExitCode);
            Assert.Contains(expected, r.Output + r.Error);
        }
        await Fails(1, "UnknownInference", "attribution", "--inference", Keccak256.Hash("no such inference").ToString());
        await Fails(1, "InferenceNotSettled", "attribution", "--inference", f.Unsettled.ToString());
        await Fails(1, "AttributionRecordNotStored", "attribution", "--inference", f.RecordMissing.ToString());
        await Fails(1, "AttributionRecordNotStored", "attribution", "--inference", f.NotARecord.ToString());
        await Fails(2, "--inference '0x1234' is not an inference id", "attribution", "--inference", "0x1234");
        await Fails(2, "--inference is required", "attribution");
        await Fails(2, "--top must be 1..16", "attribution", "--inference", f.Attributed.ToString(), "--top", "0");
        // The node executable answers `attribution verify` itself: this record was settled by hand and names another
        // adapter than the model version's, so the audit says so and exits 1.
        await Fails(1, "NOT exact (RecordFactsMismatch)", "attribution", "verify", "--inference", f.Attributed.ToString());
    }
}
