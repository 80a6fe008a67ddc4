using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Client;

// Reads of the marketplace, as the chain's own records (Core's Datanet, Contribution, Model, ...), and uploads to the
// node's content store.
public sealed partial class LedgerClient
{
    private const string DatanetFields = "id owner name description tags license taskKind feePerKb stake forfeitTo curators createdHeight " +
                                         "contributionCount approvedCount rejectedCount expiredCount versionCount";
    private const string ContributionFields = "id datanetId contributor content normalizedContent size fee stake status approvalIndex curator reason " +
                                              "createdHeight curatedHeight deadlineHeight";
    private const string VersionFields = "id datanetId number root count publishedBy createdHeight";
    private const string ModelFields = "id owner name baseModel price ownerBps contributorsBps protocolBps status createdHeight inferenceCount " +
                                       "versions { number adapter trainingRecord datanetVersionIds height }";
    private const string InferenceFields = "id modelId modelVersion caller input escrow ownerBps contributorsBps protocolBps status output server record settler " +
                                           "createdHeight deadlineHeight resolvedHeight";
    private const string EventFields = "kind sequence subject party amount contribution detail txHash";

    public async Task<Datanet?> GetDatanetAsync(Hash32 id, CancellationToken ct = default) =>
        (await QueryAsync($"query($id: Hash!) {{ datanet(id: $id) {{ {DatanetFields} }} }}", new { id = id.ToString() }, ct)).Opt("datanet") is { } d ? ReadDatanet(d) : null;

    /// <summary>The newest <paramref name="limit"/> datanets, newest first; only <paramref name="owner"/>'s when given.</summary>
    public async Task<IReadOnlyList<Datanet>> GetDatanetsAsync(Address? owner, int limit, CancellationToken ct = default) =>
        await CollectAsync($"query($o: Address, $n: Int, $after: String) {{ datanets(owner: $o, first: $n, after: $after) {{ nodes {{ {DatanetFields} }} {PageInfo} }} }}",
            (after, n) => new { o = owner?.ToString(), n, after }, d => d.Req("datanets"), ReadDatanet, limit, ct);

    /// <summary>A datanet's newest <paramref name="limit"/> versions, oldest first.</summary>
    public async Task<IReadOnlyList<DatanetVersion>> GetDatanetVersionsAsync(Hash32 datanet, int limit, CancellationToken ct = default) =>
        (await CollectAsync($"query($id: Hash!, $n: Int, $after: String) {{ datanet(id: $id) {{ versions(first: $n, after: $after) {{ nodes {{ {VersionFields} }} {PageInfo} }} }} }}",
            (after, n) => new { id = datanet.ToString(), n, after }, d => d.Opt("datanet")?.Req("versions"), ReadVersion, limit, ct)).OrderBy(v => v.Number).ToList();

    public async Task<DatanetVersion?> GetDatanetVersionAsync(Hash32 id, CancellationToken ct = default) =>
        (await QueryAsync($"query($id: Hash!) {{ datanetVersion(id: $id) {{ {VersionFields} }} }}", new { id = id.ToString() }, ct)).Opt("datanetVersion") is { } v ? ReadVersion(v) : null;

    public async Task<Contribution?> GetContributionAsync(Hash32 id, CancellationToken ct = default) =>
        (await QueryAsync($"query($id: Hash!) {{ contribution(id: $id) {{ {ContributionFields} }} }}", new { id = id.ToString() }, ct)).Opt("contribution") is { } c ? ReadContribution(c) : null;

    /// <summary>A datanet's newest <paramref name="limit"/> contributions, newest first.</summary>
    public async Task<IReadOnlyList<Contribution>> GetContributionsAsync(Hash32 datanet, int limit, CancellationToken ct = default) =>
        await CollectAsync($"query($d: Hash, $n: Int, $after: String) {{ contributions(datanet: $d, first: $n, after: $after) {{ nodes {{ {ContributionFields} }} {PageInfo} }} }}",
            (after, n) => new { d = datanet.ToString(), n, after }, d => d.Req("contributions"), ReadContribution, limit, ct);

    /// <summary>Contributions of the same datanet with content similar to this one's.</summary>
    public async Task<IReadOnlyList<NearDuplicate>> GetNearDuplicatesAsync(Hash32 contribution, CancellationToken ct = default) =>
        (await QueryAsync("query($id: Hash!) { contribution(id: $id) { nearDuplicates { contributionId similarity } } }", new { id = contribution.ToString() }, ct))
            .Opt("contribution") is { } c ? c.Array("nearDuplicates", n => new NearDuplicate(n.Hash("contributionId"), n.Double("similarity"))) : [];

    /// <summary>The proof that the contribution is in version <paramref name="version"/> of its datanet (the latest
    /// when null); null when it is not in that version.</summary>
    public async Task<VersionProofInfo?> GetProofAsync(Hash32 contribution, int? version, CancellationToken ct = default)
    {
        var c = (await QueryAsync("query($id: Hash!, $v: Int) { contribution(id: $id) { proof(version: $v) { version number root content index count siblings { hash left } } } }",
            new { id = contribution.ToString(), v = version }, ct)).Opt("contribution");
        if (c?.Opt("proof") is not { } p) return null;
        return new VersionProofInfo(p.Hash("version"), p.Int("number"), p.Hash("root"), p.Hash("content"), p.Int("index"), p.Int("count"),
            p.Array("siblings", s => new ProofStep(s.Hash("hash"), s.Bool("left"))));
    }

    /// <summary>A model and how many inferences it has served.</summary>
    public async Task<(Model Model, long Inferences)?> GetModelAsync(Hash32 id, CancellationToken ct = default)
    {
        if ((await QueryAsync($"query($id: Hash!) {{ model(id: $id) {{ {ModelFields} }} }}", new { id = id.ToString() }, ct)).Opt("model") is not { } m) return null;
        var model = new Model(m.Hash("id"), m.Addr("owner"), m.Str("name"), m.Str("baseModel"), m.Wei("price"), (ushort)m.Int("ownerBps"),
            (ushort)m.Int("contributorsBps"), (ushort)m.Int("protocolBps"), m.Enum<ModelStatus>("status"),
            m.Array("versions", v => new ModelVersion((uint)v.Int("number"), v.Hash("adapter"), v.Hash("trainingRecord"), v.Hashes("datanetVersionIds"), v.Long("height"))),
            m.Long("createdHeight"));
        return (model, m.Long("inferenceCount"));
    }

    public async Task<InferenceRequest?> GetInferenceAsync(Hash32 id, CancellationToken ct = default) =>
        (await QueryAsync($"query($id: Hash!) {{ inference(id: $id) {{ {InferenceFields} }} }}", new { id = id.ToString() }, ct)).Opt("inference") is { } i ? ReadInference(i) : null;

    private static InferenceRequest ReadInference(JsonElement i) =>
        new(i.Hash("id"), i.Hash("modelId"), (uint)i.Int("modelVersion"), i.Addr("caller"), i.Hash("input"), i.Wei("escrow"),
            (ushort)i.Int("ownerBps"), (ushort)i.Int("contributorsBps"), (ushort)i.Int("protocolBps"), i.Enum<InferenceStatus>("status"),
            i.OptHash("output") ?? Hash32.Zero, i.OptAddr("server") ?? Address.Zero, i.OptHash("record") ?? Hash32.Zero, i.OptAddr("settler") ?? Address.Zero,
            i.Long("createdHeight"), i.Long("deadlineHeight"), i.OptLong("resolvedHeight") ?? 0);

    /// <summary>The output OpenLoRA served for an inference, from the node's content store; null until served, or when
    /// the store does not hold it or it is not UTF-8.</summary>
    public async Task<string?> GetOutputTextAsync(Hash32 inference, CancellationToken ct = default) =>
        (await QueryAsync("query($id: Hash!) { inference(id: $id) { outputText } }", new { id = inference.ToString() }, ct)).Opt("inference")?.OptStr("outputText");

    /// <summary>The reward credits an inference's settlement paid.</summary>
    public async Task<IReadOnlyList<MarketEventInfo>> GetInferenceRewardsAsync(Hash32 inference, CancellationToken ct = default) =>
        (await QueryAsync($"query($id: Hash!) {{ inference(id: $id) {{ rewards {{ {EventFields} }} }} }}", new { id = inference.ToString() }, ct))
            .Opt("inference") is { } i ? i.Array("rewards", ReadEvent) : [];

    /// <summary>A datanet's newest events of one kind (GraphQL's CONSTANT_CASE name, e.g. VERSION_PUBLISHED).</summary>
    public async Task<IReadOnlyList<MarketEventInfo>> GetDatanetEventsAsync(Hash32 datanet, string kind, int first, CancellationToken ct = default) =>
        (await QueryAsync($"query($d: Hash, $n: Int) {{ marketEvents(datanet: $d, kinds: [{kind}], first: $n) {{ nodes {{ {EventFields} }} }} }}",
            new { d = datanet.ToString(), n = first }, ct)).Nodes("marketEvents").Select(ReadEvent).ToList();

    public async Task<RewardSummaryInfo> GetRewardsAsync(Address account, CancellationToken ct = default)
    {
        const string totals = "scope amount count";
        var r = (await QueryAsync($"query($a: Address!) {{ rewards(address: $a) {{ account total count asOfHeight byRole {{ {totals} }} byDatanet {{ {totals} }} byModel {{ {totals} }} }} }}",
            new { a = account.ToString() }, ct)).Req("rewards");
        static RewardTotalInfo Total(JsonElement t) => new(t.Str("scope"), t.Wei("amount"), t.Long("count"));
        return new RewardSummaryInfo(r.Addr("account"), r.Wei("total"), r.Long("count"), r.Long("asOfHeight"),
            r.Array("byRole", Total), r.Array("byDatanet", Total), r.Array("byModel", Total));
    }

    /// <summary>Stores <paramref name="content"/> in the node's content store (a Contribute or an inference names it by hash).
    /// With <paramref name="datanet"/>, content that datanet would refuse at admission fails here, with the same code
    /// (InvalidTaskExample), before anything is stored or signed.</summary>
    public async Task<StoredContent> UploadAsync(byte[] content, Hash32? datanet = null, CancellationToken ct = default)
    {
        var u = (await QueryAsync("mutation($b: String, $d: Hash) { uploadContent(base64: $b, datanet: $d) { hash normalizedHash size } }",
            new { b = Convert.ToBase64String(content), d = datanet?.ToString() }, ct)).Req("uploadContent");
        return new StoredContent(u.Hash("hash"), u.Hash("normalizedHash"), u.Long("size"));
    }

    private static Datanet ReadDatanet(JsonElement d) => new(
        d.Hash("id"), d.Addr("owner"), d.Str("name"), d.Str("description"), d.Strings("tags"), d.Str("license"), d.Enum<TaskKind>("taskKind"),
        d.Wei("feePerKb"), d.Wei("stake"), d.Enum<ForfeitRule>("forfeitTo"), d.Addrs("curators"), d.Long("createdHeight"),
        d.Int("contributionCount"), d.Int("approvedCount"), d.Int("rejectedCount"), (uint)d.Int("versionCount"), d.Int("expiredCount"));

    private static Contribution ReadContribution(JsonElement c) => new(
        c.Hash("id"), c.Hash("datanetId"), c.Addr("contributor"), c.Hash("content"), c.Hash("normalizedContent"), (ulong)c.Long("size"),
        c.Wei("fee"), c.Wei("stake"), c.Enum<ContributionStatus>("status"), c.OptInt("approvalIndex") ?? -1, c.OptAddr("curator") ?? Address.Zero,
        c.OptStr("reason") ?? "", c.Long("createdHeight"), c.OptLong("curatedHeight") ?? 0, c.Long("deadlineHeight"));

    private static DatanetVersion ReadVersion(JsonElement v) =>
        new(v.Hash("id"), v.Hash("datanetId"), (uint)v.Int("number"), v.Hash("root"), v.Int("count"), v.Addr("publishedBy"), v.Long("createdHeight"));

    private static MarketEventInfo ReadEvent(JsonElement e) =>
        new(e.Str("kind"), e.Int("sequence"), e.Hash("subject"), e.OptAddr("party"), e.OptWei("amount"), e.OptHash("contribution"), e.OptStr("detail"), e.OptHash("txHash"));
}
