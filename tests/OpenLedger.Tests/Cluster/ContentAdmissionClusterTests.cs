using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Tokenizer;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cluster;

/// <summary>Admission checks every task format, text included: a contribution is admitted exactly when Model Factory
/// could train on its content. Through a real Orleans cluster on a real SQLite file: each refused kind of content with
/// its code and nothing changed, the node still serving; and a property test over random byte strings for each task
/// kind, comparing the node's admission (<see cref="ContentAdmission"/>, the content store and the committed datanet)
/// with what the trainer does with the same stored bytes (the loader's skip rule, then the training row).</summary>
[Collection("ledger-cluster")]
public sealed class ContentAdmissionClusterTests(LedgerClusterFixture fx)
{
    private PrivateKey Owner => fx.Chain.Keys[36];
    private PrivateKey Contributor => fx.Chain.Keys[37];

    private static readonly Lazy<BpeTokenizer> Tokenizer =
        new(() => BpeTokenizer.Load(Path.Combine(TestBaseModel.Directory, BaseModelRecipe.TokenizerFile)));

    private async Task<SignedTransaction> SignAsync(PrivateKey key, ITxBody body, int offset = 0)
    {
        var nonce = (await fx.AccountAsync(key.Address)).NextNonce + (ulong)offset;
        return new Transaction(fx.Chain.Rules.ChainId, key.Address, nonce, fx.Chain.GasPrice, body).Sign(key);
    }

    private async Task<Hash32> DatanetAsync(TaskKind task)
    {
        var create = await SignAsync(Owner, new CreateDatanet($"admission {task} {Guid.NewGuid():N}", "", ["admission"], "CC0", task,
            new Wei(1_000), new Wei(5_000), ForfeitRule.Owner, []));
        Assert.True((await fx.SubmitAsync(create.Encode())).Accepted);
        Assert.Equal("None", (await fx.WaitAsync(create.Hash)).ErrorCode ?? "None");
        return create.Hash;
    }

    private async Task<ContentDescriptor> UploadAsync(byte[] bytes)
    {
        var put = await fx.Client.GetGrain<IContentGrain>(0).PutAsync(bytes);
        Assert.True(put.Ok, $"{put.ErrorCode}: {put.Message}");
        return put.Content!;
    }

    private static Contribute ContributeOf(Hash32 datanet, ContentDescriptor c) => new(datanet, c.Hash, c.NormalizedHash, (ulong)c.Size);

    [Fact]
    public async Task Content_that_could_not_train_a_model_is_refused_with_its_code_and_nothing_changes()
    {
        var text = await DatanetAsync(TaskKind.Text);
        var qa = await DatanetAsync(TaskKind.PromptCompletion);
        var refused = new (string Why, Hash32 Datanet, byte[] Bytes)[]
        {
            ("text: invalid UTF-8", text, [0x41, 0xC3, 0x28, 0x42]),
            ("text: an encoded surrogate", text, [0x61, 0xED, 0xA0, 0x80]),
            ("text: whitespace only", text, " \n\t\r\n  "u8.ToArray()),
            ("text: Unicode spaces only", text, Encoding.UTF8.GetBytes("\u00a0\u2003\u3000")),
            ("prompt-completion: plain text", qa, "just a sentence"u8.ToArray()),
            ("prompt-completion: blank completion", qa, "{\"prompt\":\"2 + 2 =\",\"completion\":\"  \"}"u8.ToArray()),
            ("prompt-completion: invalid UTF-8", qa, [0x7B, 0xFF, 0x7D]),
        };
        var before = await fx.AccountAsync(Contributor.Address);
        foreach (var (why, datanet, bytes) in refused)
        {
            var tx = await SignAsync(Contributor, ContributeOf(datanet, await UploadAsync(bytes)));
            var result = await fx.SubmitAsync(tx.Encode());
            Assert.False(result.Accepted, $"{why}: admitted");
            Assert.Equal("InvalidTaskExample", result.ErrorCode);
            Assert.Contains("format", result.Message);
        }
        // Unknown datanet: its format cannot be checked, so nothing is admitted for it.
        var unknown = await SignAsync(Contributor, ContributeOf(Keccak256.Hash("no such datanet"), await UploadAsync("hello"u8.ToArray())));
        Assert.Equal("UnknownDatanet", (await fx.SubmitAsync(unknown.Encode())).ErrorCode);
        // Nothing changed: no nonce used, no wei moved.
        var after = await fx.AccountAsync(Contributor.Address);
        Assert.Equal((before.Balance, before.NextNonce), (after.Balance, after.NextNonce));

        // A datanet created in the same batch is checked by the format its CreateDatanet names.
        var create = await SignAsync(Owner, new CreateDatanet($"same batch {Guid.NewGuid():N}", "", [], "CC0", TaskKind.Text,
            new Wei(1_000), new Wei(5_000), ForfeitRule.Owner, []));
        var blank = await SignAsync(Owner, ContributeOf(create.Hash, await UploadAsync("   "u8.ToArray())), offset: 1);
        var results = await fx.Intake.SubmitAsync([create.Encode(), blank.Encode()]);
        Assert.True(results[0].Accepted, $"{results[0].ErrorCode}: {results[0].Message}");
        Assert.Equal("InvalidTaskExample", results[1].ErrorCode);
        Assert.Equal("None", (await fx.WaitAsync(create.Hash)).ErrorCode ?? "None");

        // The node keeps serving: a non-blank text commits, and is charged.
        var good = await SignAsync(Contributor, ContributeOf(text, await UploadAsync("  a real sentence, with spaces around  "u8.ToArray())));
        Assert.True((await fx.SubmitAsync(good.Encode())).Accepted);
        Assert.Equal("None", (await fx.WaitAsync(good.Hash)).ErrorCode ?? "None");
        Assert.Equal(before.NextNonce + 1, (await fx.AccountAsync(Contributor.Address)).NextNonce);
    }

    [Fact]
    public async Task Admission_admits_exactly_the_content_the_trainer_trains_on_for_random_bytes()
    {
        var random = new Random(1_313);
        foreach (var task in new[] { TaskKind.Text, TaskKind.PromptCompletion, TaskKind.TextLabel })
        {
            var datanet = await DatanetAsync(task);
            var contents = new List<ContentDescriptor>();
            var seen = new HashSet<Hash32>();
            while (contents.Count < 160)
            {
                var bytes = RandomContent(random, task);
                if (bytes.Length == 0) continue; // the content store refuses empty content before admission (InvalidField)
                var c = await UploadAsync(bytes);
                if (seen.Add(c.Hash)) contents.Add(c);
            }
            // One batch of signed Contributes, checked by the node's own admission against the store and the chain.
            var verified = contents.Select((c, i) =>
            {
                var raw = new Transaction(fx.Chain.Rules.ChainId, Contributor.Address, (ulong)i, fx.Chain.GasPrice, ContributeOf(datanet, c))
                    .Sign(Contributor).Encode();
                Assert.False(TransactionVerifier.Verify(raw, fx.Chain.Rules.ChainId, fx.Chain.Rules.MaxTransactionBytes, out var v).IsError);
                return v!;
            }).ToList();
            var refusals = (await ContentAdmission.CheckAsync(fx.Content, verified, fx.Store)).ToDictionary(e => e.Position, e => e.Error);

            int admitted = 0, refused = 0;
            for (var i = 0; i < contents.Count; i++)
            {
                var stored = await fx.Content.GetAsync(contents[i].Hash);
                Assert.NotNull(stored);
                var trainable = Trainable(task, stored);
                var isAdmitted = !refusals.TryGetValue(i, out var error);
                Assert.True(trainable == isAdmitted,
                    $"{task}: admitted {isAdmitted} ({error}) but trainable {trainable}: {Convert.ToHexString(stored)}");
                if (!isAdmitted) Assert.Equal(OpenLedger.Core.Errors.ErrorCode.InvalidTaskExample, error.Code);
                if (isAdmitted) admitted++; else refused++;
            }
            Assert.True(admitted >= 20 && refused >= 20, $"{task}: admitted {admitted}, refused {refused}: the generator must produce both");
        }
    }

    /// <summary>What Model Factory does with stored content: the loader leaves out what the task format refuses
    /// (DatasetLoader), and an example it keeps becomes a training row whose targets (the answer's tokens) the loss counts.</summary>
    private static bool Trainable(TaskKind task, byte[] content)
    {
        if (TaskExampleFormat.TryParse(task, content, out var example).IsError) return false;
        var (tokens, firstTarget) = TaskPrompt.Row(task, Tokenizer.Value, example!, 256);
        // Targets are the row's tokens from firstTarget on: the loss must count at least one.
        return firstTarget >= 1 && tokens.Length > firstTarget;
    }

    private const string Alphabet = "ab Z9.,\"{}:\\\t\n\r\u00a0\u2003é😀";

    /// <summary>Random content: raw bytes (mostly invalid UTF-8), short strings heavy on whitespace and JSON
    /// punctuation, and JSON objects of random shape (right and wrong member names, blank and non-string values,
    /// extra members), so both outcomes are common for every kind.</summary>
    private static byte[] RandomContent(Random random, TaskKind task)
    {
        string Str(int max) => new(Enumerable.Range(0, random.Next(max + 1)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
        string Blankish() => random.Next(3) switch { 0 => "", 1 => new string(' ', random.Next(1, 4)), _ => "\t\n\u00a0" };
        string Value() => random.Next(6) switch
        {
            0 => "null",
            1 => random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture),
            2 => System.Text.Json.JsonSerializer.Serialize(Blankish()),
            _ => System.Text.Json.JsonSerializer.Serialize(Str(12) + "w"),
        };
        string Part() => random.Next(4) == 0 ? Blankish() : Str(random.Next(2) == 0 ? 8 : 80) + "w";
        var (input, output) = task == TaskKind.TextLabel ? ("text", "label") : ("prompt", "completion");
        switch (random.Next(9))
        {
            case 6 or 7:
                // The format's own encoding of an example whose strings may be blank or (labels) too long.
                return TaskExampleFormat.Format(task, new TaskExample(Part(), Part()));
            case 0:
                var bytes = new byte[random.Next(0, 24)];
                random.NextBytes(bytes);
                return bytes;
            case 1:
                return Encoding.UTF8.GetBytes(random.Next(2) == 0 ? Blankish() : Str(16));
            case 2:
                // Valid UTF-8 with one byte replaced: often invalid, sometimes still valid.
                var valid = Encoding.UTF8.GetBytes(Str(10) + "x");
                valid[random.Next(valid.Length)] = (byte)random.Next(0x80, 0x100);
                return valid;
            default:
                var names = new List<string> { input, output };
                if (random.Next(4) == 0) names.RemoveAt(random.Next(names.Count));
                if (random.Next(4) == 0) names.Add(random.Next(2) == 0 ? "lable" : input);
                var members = names.Select(n => $"{System.Text.Json.JsonSerializer.Serialize(n)}: {Value()}");
                var json = "{" + string.Join(", ", members) + "}";
                return Encoding.UTF8.GetBytes(random.Next(8) == 0 ? "[" + json + "]" : json);
        }
    }
}
