using System.Text;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.Attribution.Records;
using OpenLedger.ML.Attribution.Spans;
using OpenLedger.ML.FineTuning;
using OpenLedger.Tests.Cli;

namespace OpenLedger.Tests.Clients;

/// <summary>
/// A real node (<see cref="CliNodeFixture"/>) holding a marketplace story built through its public API only: two dev
/// accounts contribute WordNet lexname examples to a text-label datanet, the owner approves them and publishes a version,
/// three models are registered on it (one whose training record names attribution indexes, one with a version-1 training
/// record that names none, one whose record the store does not hold), and four paid inferences are served: one settled by
/// hand with a real attribution record (canonical bytes from OpenLedger.ML's <see cref="AttributionRecord"/>) uploaded to
/// the content store, one settled with a record hash the store does not hold, one settled with stored content that is not
/// a record, and one left unsettled.
/// </summary>
public sealed class AttributionViewsFixture : IAsyncLifetime
{
    public CliNodeFixture Node { get; } = new();
    public LedgerClient Client { get; private set; } = null!;

    public static readonly TaskExample[] Examples =
    [
        new("a member of the genus Canis that has been domesticated by man since prehistoric times", "noun.animal"),
        new("a small rodent with a long tail that lives in houses and fields", "noun.animal"),
        new("move fast by using one's feet, with one foot off the ground at any given time", "verb.motion"),
    ];

    /// <summary>Contribution ids of <see cref="Examples"/>: dev 1, dev 2, dev 1.</summary>
    public Hash32[] Contributions { get; } = new Hash32[3];
    public Hash32 Datanet { get; private set; }
    public Hash32 Version { get; private set; }
    /// <summary>Registered with a training record that names attribution indexes.</summary>
    public Hash32 IndexedModel { get; private set; }
    /// <summary>Registered with a version-1 training record (no attribution section).</summary>
    public Hash32 UnindexedModel { get; private set; }
    /// <summary>Registered with a training record the store does not hold.</summary>
    public Hash32 UnrecordedModel { get; private set; }
    public TrainingRecord IndexedTrainingRecord { get; private set; } = null!;

    public AttributionRecord Record { get; private set; } = null!;
    public byte[] RecordBytes { get; private set; } = [];
    /// <summary>Settled with <see cref="Record"/>.</summary>
    public Hash32 Attributed { get; private set; }
    /// <summary>Settled with a record hash this node's store does not hold.</summary>
    public Hash32 RecordMissing { get; private set; }
    /// <summary>Settled with stored content that is not an attribution record.</summary>
    public Hash32 NotARecord { get; private set; }
    /// <summary>Served, not settled.</summary>
    public Hash32 Unsettled { get; private set; }
    /// <summary>The weights <see cref="Record"/> gave its contributions (what its settlement used).</summary>
    public ulong[] Weights { get; private set; } = [];
    public static readonly Wei Price = Wei.FromOpen(1);
    public const string Output = "noun.animal";

    private PrivateKey Dev(int i) => Node.Chain.Keys[i];

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        Client = new LedgerClient(new Uri(Node.NodeUrl));

        Datanet = await Commit(Dev(0), new CreateDatanet("lexnames", "WordNet glosses and their lexicographer files", ["wordnet"], "WordNet 3.0",
            TaskKind.TextLabel, Wei.Zero, Wei.Zero, ForfeitRule.Owner, []));
        for (var i = 0; i < Examples.Length; i++)
        {
            var stored = await Client.UploadAsync(TaskExampleFormat.Format(TaskKind.TextLabel, Examples[i]));
            Contributions[i] = await Commit(Dev(i == 1 ? 2 : 1), new Contribute(Datanet, stored.Hash, stored.NormalizedHash, (ulong)stored.Size));
        }
        foreach (var c in Contributions) await Commit(Dev(0), new Curate(c, true, "real WordNet gloss"));
        await Commit(Dev(0), new PublishVersion(Datanet));
        Version = (await Client.GetDatanetVersionsAsync(Datanet, 10)).Single().Id;

        IndexedTrainingRecord = TrainingRecordOf(withIndexes: true);
        var indexed = await Client.UploadAsync(IndexedTrainingRecord.ToBytes());
        var unindexed = await Client.UploadAsync(TrainingRecordOf(withIndexes: false).ToBytes());
        IndexedModel = await Register("lexname-lora", indexed.Hash);
        UnindexedModel = await Register("lexname-lora-v1-record", unindexed.Hash);
        UnrecordedModel = await Register("lexname-lora-no-record", Keccak256.Hash("a training record nobody uploaded"));

        Attributed = await Served("What is the lexname of: a domestic dog?");
        RecordMissing = await Served("What is the lexname of: a field mouse?");
        NotARecord = await Served("What is the lexname of: to sprint?");
        Unsettled = await Served("What is the lexname of: a cat?");

        // The real record: influence scores per contribution (the third had negative influence and gets nothing), the
        // weights AttributionWeights derives, and span evidence naming the contributions that hold "noun.animal".
        var method = InfluenceMethod.ForIndex(ProjectionSpec.Default, PreconditionerKind.PerLayer, 0.1, 4);
        var credited = AttributionWeights.From(Contributions, [0.6, 0.2, -0.1], method.MaxAttributions);
        var span = SpanEvidence.From(new SpanMatch(0, 3, 2,
            [new SpanOccurrence(0, Contributions[0].ToString(), 20), new SpanOccurrence(1, Contributions[1].ToString(), 14)]), Output);
        Record = new AttributionRecord(method, Keccak256.Hash("influence index"), IndexedModel, 1, Keccak256.Hash("adapter"), Attributed,
            AttributionRecord.HashText("What is the lexname of: a domestic dog?"), AttributionRecord.HashText(Output), 3, credited, [span]);
        RecordBytes = Record.Encode();
        Assert.Equal(Record.Hash, (await Client.UploadAsync(RecordBytes)).Hash);
        Weights = [.. credited.Select(c => c.Weight)];
        await Commit(Node.Chain.AttributionOperator, new SettleAttribution(Attributed, Record.Hash, [.. credited.Select(c => c.Contribution)], Weights));

        await Commit(Node.Chain.AttributionOperator, new SettleAttribution(RecordMissing, Keccak256.Hash("a record nobody stored"), [Contributions[0]], [1]));
        var notRecord = await Client.UploadAsync(Encoding.UTF8.GetBytes("{\"version\":1,\"this\":\"is not an attribution record\"}"));
        await Commit(Node.Chain.AttributionOperator, new SettleAttribution(NotARecord, notRecord.Hash, [Contributions[1]], [1]));
    }

    private async Task<Hash32> Register(string name, Hash32 trainingRecord) =>
        await Commit(Dev(3), new RegisterModel(name, "gpt2-tiny", Keccak256.Hash("adapter " + name), [Version], trainingRecord, Price, 2000, 7000, 1000));

    private async Task<Hash32> Served(string prompt)
    {
        var input = await Client.UploadAsync(Encoding.UTF8.GetBytes(prompt));
        var inference = await Commit(Dev(4), new RequestInference(IndexedModel, input.Hash, Price));
        var output = await Client.UploadAsync(Encoding.UTF8.GetBytes(Output));
        await Commit(Node.Chain.ServingOperator, new PostResult(inference, output.Hash));
        return inference;
    }

    private TrainingRecord TrainingRecordOf(bool withIndexes) => new(
        withIndexes ? TrainingRecord.CurrentFormat : TrainingRecord.FormatWithoutAttribution,
        new TrainingRecord.BaseModelInfo("gpt2-tiny", Keccak256.Hash("weights").ToString(), Keccak256.Hash("tokenizer").ToString()),
        new TrainingRecord.DatasetInfo(Datanet.ToString(), Version.ToString(), 1, Keccak256.Hash("root").ToString(), "text-label", 3, 3, 0, "none", []),
        new FineTuneSpec(),
        new TrainingRecord.RunInfo(10, 1, 300, 1.25, "AdamW", 1),
        new TrainingRecord.MetricsInfo(null, null, null, null, null, null),
        new TrainingRecord.AdapterInfo(Keccak256.Hash("adapter").ToString(), 262_144, 65_536, "safetensors"),
        withIndexes
            ? new TrainingRecord.AttributionInfo(
                new TrainingRecord.InfluenceIndexInfo(Keccak256.Hash("influence index").ToString(), 3 * 512 * 4 + 64, 3, 512, "lora-gradient-influence", "per-layer", 0.1, "OLAI/1"),
                new TrainingRecord.SpanIndexInfo(Keccak256.Hash("span index").ToString(), 400, 45, 3, "OLSPANIX/1"))
            : null);

    private async Task<Hash32> Commit(PrivateKey key, ITxBody body) => (await Client.SendAsync(body, key)).EnsureSucceeded().Hash;

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await Node.DisposeAsync();
    }
}
