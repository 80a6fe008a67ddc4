using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Client;

// Proof of Attribution: who an inference paid and why, what a contribution earned, and a model's attribution indexes.
public sealed partial class LedgerClient
{
    /// <summary>The most contributions <see cref="GetAttributionAsync"/> reads with their text in one request (each
    /// text costs about 1,000 of the node's query complexity budget of 20,000).</summary>
    public const int MaxAttributionsWithText = 16;

    /// <summary>A settled inference's attribution, its top <paramref name="first"/> contributions (1 to
    /// <see cref="MaxAttributionsWithText"/>) with their text; null when the inference is unknown, not settled, or its
    /// record is not in the node's store. <paramref name="withJson"/> also fetches the record's canonical JSON.</summary>
    public async Task<AttributionInfo?> GetAttributionAsync(Hash32 inference, int first = 10, bool withJson = false, CancellationToken ct = default)
    {
        var json = withJson ? " json" : "";
        var a = (await QueryAsync(
                $"query($id: Hash!, $n: Int) {{ inference(id: $id) {{ attribution {{ method maxAttributions indexHash modelVersion namesThisInference record {{ hash{json} }} " +
                "contributions(first: $n) { contributionId score share weight payout contribution { contributor content text } } " +
                "spans { start length count text contributionIds } } } }",
                new { id = inference.ToString(), n = first }, ct))
            .Opt("inference")?.Opt("attribution");
        if (a is not { } v) return null;
        return new AttributionInfo(v.Str("method"), v.Int("maxAttributions"), v.Hash("indexHash"), v.Int("modelVersion"), v.Bool("namesThisInference"),
            v.Req("record").Hash("hash"), v.Req("record").OptStr("json"),
            v.Array("contributions", c => new AttributedContributionInfo(c.Hash("contributionId"), c.Opt("contribution")?.Addr("contributor"),
                c.Opt("contribution")?.Hash("content"), c.Opt("contribution")?.OptStr("text"), c.Double("score"), c.Double("share"), c.Long("weight"), c.OptWei("payout"))),
            v.Array("spans", s => new AttributionSpanInfo(s.Int("start"), s.Int("length"), s.Int("count"), s.OptStr("text"), s.Strings("contributionIds"))));
    }

    /// <summary>What settlements paid a contribution; null when the contribution is unknown.</summary>
    public async Task<ContributionInfluenceInfo?> GetInfluenceAsync(Hash32 contribution, CancellationToken ct = default) =>
        (await QueryAsync("query($id: Hash!) { contribution(id: $id) { influence { inferences paidWei lastPaidHeight lastInference } } }",
            new { id = contribution.ToString() }, ct)).Opt("contribution")?.Req("influence") is { } i
            ? new ContributionInfluenceInfo(i.Long("inferences"), i.Wei("paidWei"), i.OptLong("lastPaidHeight"), i.OptHash("lastInference"))
            : null;

    /// <summary>A model version's attribution indexes (the current version when <paramref name="version"/> is null);
    /// null when the model is unknown or its training record names none.</summary>
    public async Task<AttributionIndexInfo?> GetAttributionIndexAsync(Hash32 model, int? version = null, CancellationToken ct = default) =>
        (await QueryAsync("query($id: Hash!, $v: Int) { model(id: $id) { attributionIndex(version: $v) { trainingRecord modelVersion influenceIndex " +
                          "influenceIndexBytes rows dimension method preconditioner damping spanIndex spanIndexBytes tokens documents } } }",
            new { id = model.ToString(), v = version }, ct)).Opt("model")?.Opt("attributionIndex") is { } x ? ReadIndex(x) : null;

    private static AttributionIndexInfo ReadIndex(JsonElement x) => new(
        x.Hash("trainingRecord"), x.Int("modelVersion"), x.Hash("influenceIndex"), x.Long("influenceIndexBytes"), x.Int("rows"), x.Int("dimension"),
        x.Str("method"), x.Str("preconditioner"), x.Double("damping"), x.Hash("spanIndex"), x.Long("spanIndexBytes"), x.Long("tokens"), x.Int("documents"));
}
