using System.Text;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Cli;

/// <summary>Following a paid inference from the command line against the running node: `infer --wait` until the node's
/// own OpenLoRA serves it and its attribution worker settles it, `inference show`, `tx` of every transaction kind with
/// its own fields, and the base-model check that keeps users from registering or paying for models nobody serves.</summary>
public sealed partial class MarketplaceCliTests
{
    /// <summary>The value of an indented "  name   value" line (tx's fields, the payees).</summary>
    private static string Indented(CliRun r, string name) =>
        r.Lines.Select(l => l.TrimStart()).FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))?[name.Length..].Trim()
        ?? throw new Xunit.Sdk.XunitException($"no '  {name}' line in:\n{r}");

    /// <summary>The hash of the transaction a signing verb submitted ("submitted 0x.. (Kind from ...").</summary>
    private static Hash32 Submitted(CliRun r, string kind) =>
        Hash32.Parse(r.Lines.Single(l => l.StartsWith("submitted ", StringComparison.Ordinal) && l.Contains($"({kind} from", StringComparison.Ordinal)).Split(' ')[1]);

    [Fact]
    public async Task Infer_wait_prints_the_output_and_who_was_paid_once_the_node_settles_it_and_inference_show_reads_it_back()
    {
        var datanet = (await Ok(Run("datanet", "create", "--dev", "3", "--name", "cli-wait", "--task", "text-label"))).Id("datanet").ToString();
        var dir = TestChain.TempDirectory("openledger-cli-wait");
        string[] texts = ["robin: a small songbird with a red breast", "bread: food made from flour and water, baked",
            "sparrow: a small brown bird of towns", "cheese: food made from pressed milk curds",
            "eagle: a large bird of prey", "apple: the round fruit of a tree of the rose family"];
        for (var i = 0; i < texts.Length; i++)
            await File.WriteAllBytesAsync(Path.Combine(dir, $"{i}.json"),
                TaskExampleFormat.Format(TaskKind.TextLabel, new TaskExample(texts[i], i % 2 == 0 ? "animal" : "food")));
        await Ok(Run("contribute", "--dev", "4", "--datanet", datanet, dir));
        var shown = await Ok(Run("datanet", "show", "--id", datanet, "--contributions"));
        foreach (var line in shown.Lines.Where(l => l.Contains("Pending", StringComparison.Ordinal)))
            await Ok(Run("curate", "--dev", "3", "--contribution", line.Trim().Split(' ')[0], "--approve"));
        await Ok(Run("publish-version", "--dev", "3", "--datanet", datanet));
        var trained = await Ok(Run("train", "--datanet", datanet, "--steps", "4", "--batch-size", "2", "--seed", "7"));

        // The node serves its built-in base model; the job trained on it, so the model registers without a warning.
        var served = (await Ok(Run("model", "bases"))).Field("served base");
        Assert.StartsWith("builtin:0x", served);
        var registered = await Ok(Run("model", "register", "--dev", "3", "--job", trained.Id("job").ToString(), "--name", "cli-wait-model", "--price", "1"));
        Assert.DoesNotContain("warning", registered.Output);
        var model = registered.Id("model");
        Assert.Equal("yes", (await Ok(Run("model", "show", "--id", model.ToString()))).Field("served here"));
        using (var client = new LedgerClient(new Uri(node.NodeUrl)))
            Assert.True((await client.QueryAsync("query($id: Hash!) { model(id: $id) { served } }", new { id = model.ToString() })).GetProperty("model").GetProperty("served").GetBoolean());

        var question = Path.Combine(dir, "question.txt");
        await File.WriteAllTextAsync(question, "owl: a bird of prey that hunts at night");
        var waited = await Ok(Run("infer", "--dev", "4", "--model", model.ToString(), "--input-file", question, "--max-fee", "2", "--wait", "--timeout", "240"));
        var inference = waited.Id("inference");
        Assert.Matches(@"^0x[0-9a-f]{64} \(\d+ bytes\): "".*""$", waited.Field("output"));
        Assert.StartsWith("Settled in block ", waited.Field("status"));
        // 1 OPEN at the default split: 0.7 to the owner (dev 3), 0.1 to the protocol, 0.2 among the contributions (dev 4's).
        Assert.Equal("1 OPEN in", waited.Field("paid")[..9]);
        Assert.Contains($"0.7 OPEN", Indented(waited, "owner"));
        Assert.EndsWith($"to {Dev(3)}", Indented(waited, "owner"));
        Assert.StartsWith("0.1 OPEN", Indented(waited, "protocol"));
        var contributors = waited.Lines.Where(l => l.TrimStart().StartsWith("contributor ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(contributors);
        Assert.All(contributors, l => Assert.Contains($"to {Dev(4)} for contribution 0x", l));

        var show = await Ok(Run("inference", "show", "--id", inference.ToString()));
        Assert.StartsWith("Settled (block ", show.Field("status"));
        Assert.StartsWith($"{model} version 1 (cli-wait-model)", show.Field("model"));
        Assert.EndsWith("(39 bytes): \"owl: a bird of prey that hunts at night\"", show.Field("input"));
        Assert.Equal(waited.Field("output"), show.Field("output"));
        Assert.Equal(served, show.Field("base model"));
        Assert.Equal(node.Chain.AttributionOperator.Address.ToString(), show.Field("settled by"));
        Assert.Equal(node.Chain.ServingOperator.Address.ToString(), show.Field("served by"));
        Assert.Equal(Indented(waited, "owner"), Indented(show, "owner"));

        // Its transaction, and the automatic PostResult and SettleAttribution, each with their own fields.
        var tx = await Ok(Run("tx", inference.ToString()));
        Assert.Contains("RequestInference from " + Dev(4), tx.Output);
        Assert.Equal(model.ToString(), Indented(tx, "model"));
        Assert.Equal("2 OPEN (2000000000000000000 wei)", Indented(tx, "maxFee")); // the most it would pay; 1 OPEN was escrowed

        var unknown = await Run("inference", "show", "--id", Keccak256.Hash("no such inference").ToString());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("error: UnknownInference: no inference", unknown.Output);
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task An_unserved_base_model_is_refused_at_register_and_before_paying_and_tx_prints_every_kind_s_fields()
    {
        var tx = new Dictionary<string, CliRun>();
        Task<CliRun> Tx(string kind, CliRun run) => TxOf(kind, Submitted(run, kind));
        async Task<CliRun> TxOf(string kind, Hash32 hash)
        {
            var t = await Ok(Run("tx", hash.ToString()));
            Assert.Contains($", {kind} from ", t.Output);
            Assert.Contains("success", t.Output);
            return tx[kind] = t;
        }

        await Tx("Transfer", await Ok(Run("transfer", "--dev", "5", "--to", Dev(1), "--amount", "1.5")));
        Assert.Equal(Dev(1), Indented(tx["Transfer"], "to"));
        Assert.Equal("1.5 OPEN (1500000000000000000 wei)", Indented(tx["Transfer"], "amount"));

        var created = await Ok(Run("datanet", "create", "--dev", "5", "--name", "tx-kinds", "--tags", "a,b", "--fee-per-kb", "0.01"));
        var datanet = created.Id("datanet");
        await Tx("CreateDatanet", created);
        Assert.Equal("tx-kinds", Indented(tx["CreateDatanet"], "name"));
        Assert.Equal("2: a, b", Indented(tx["CreateDatanet"], "tags"));
        Assert.Equal("0.01 OPEN (10000000000000000 wei)", Indented(tx["CreateDatanet"], "feePerKb"));
        Assert.Equal("Text (1)", Indented(tx["CreateDatanet"], "taskKind")); // the typed data's number, named
        Assert.Equal("Owner (1)", Indented(tx["CreateDatanet"], "forfeitTo"));

        await Tx("UpdateDatanet", await Ok(Run("datanet", "update", "--dev", "5", "--id", datanet.ToString(), "--description", "kinds of transactions")));
        Assert.Equal("kinds of transactions", Indented(tx["UpdateDatanet"], "description"));

        var dir = TestChain.TempDirectory("openledger-cli-tx");
        var file = Path.Combine(dir, "one.txt");
        await File.WriteAllTextAsync(file, Prose(11));
        var contributed = await Ok(Run("contribute", "--dev", "4", "--datanet", datanet.ToString(), file));
        var contribution = Hash32.Parse(contributed.FileLine("one.txt").Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        await TxOf("Contribute", contribution); // a contribution's id is its transaction's hash
        Assert.Equal(datanet.ToString(), Indented(tx["Contribute"], "datanet"));
        Assert.Equal(Encoding.UTF8.GetByteCount(Prose(11)).ToString(System.Globalization.CultureInfo.InvariantCulture), Indented(tx["Contribute"], "size"));

        await Tx("Curate", await Ok(Run("curate", "--dev", "5", "--contribution", contribution.ToString(), "--approve", "--reason", "fine")));
        Assert.Equal(contribution.ToString(), Indented(tx["Curate"], "contribution"));
        Assert.Equal("true", Indented(tx["Curate"], "approve"));
        await Tx("PublishVersion", await Ok(Run("publish-version", "--dev", "5", "--datanet", datanet.ToString())));
        Assert.Equal(datanet.ToString(), Indented(tx["PublishVersion"], "datanet"));
        var version = DatanetVersion.IdOf(datanet, 1).ToString();

        // A base model this node does not serve: refused with its stable code, naming the base it serves; nothing sent.
        string[] register = ["model", "register", "--dev", "5", "--name", "elsewhere", "--base-model", "openledger-base", "--adapter", Keccak256.Hash("a").ToString(),
            "--training-record", Keccak256.Hash("r").ToString(), "--versions", version, "--price", "1"];
        var refused = await Run(register);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: BaseModelNotServed: base model 'openledger-base' is not served by this node, which serves 'builtin:0x", refused.Output);
        Assert.Contains("--allow-unserved-base", refused.Output);
        Assert.DoesNotContain("submitted", refused.Output);
        var registered = await Ok(Run([.. register, "--allow-unserved-base"]));
        Assert.Contains("warning: BaseModelNotServed", registered.Output);
        var model = registered.Id("model");
        Assert.StartsWith("no: this node serves builtin:0x", (await Ok(Run("model", "show", "--id", model.ToString()))).Field("served here"));
        using (var graphql = new LedgerClient(new Uri(node.NodeUrl)))
        {
            var data = await graphql.QueryAsync("query($id: Hash!) { servedBaseModels model(id: $id) { served } }", new { id = model.ToString() });
            Assert.False(data.GetProperty("model").GetProperty("served").GetBoolean());
            Assert.StartsWith("builtin:0x", data.GetProperty("servedBaseModels")[0].GetString());
        }
        await Tx("RegisterModel", registered);
        Assert.Equal("openledger-base", Indented(tx["RegisterModel"], "baseModel"));
        Assert.Equal($"1: {version}", Indented(tx["RegisterModel"], "datanetVersions"));
        Assert.Equal("1 OPEN (1000000000000000000 wei)", Indented(tx["RegisterModel"], "price"));

        await Tx("UpdateModel", await Ok(Run("model", "update", "--dev", "5", "--id", model.ToString(), "--price", "2")));
        Assert.Equal("2 OPEN (2000000000000000000 wei)", Indented(tx["UpdateModel"], "price"));

        // infer refuses before paying: no upload, no transaction, the caller's nonce unchanged.
        var question = Path.Combine(dir, "question.txt");
        await File.WriteAllTextAsync(question, "who serves this model");
        var nonce = (await Ok(Run("account", Dev(4)))).Field("nonce");
        var notPaid = await Run("infer", "--dev", "4", "--model", model.ToString(), "--input-file", question, "--wait");
        Assert.Equal(1, notPaid.ExitCode);
        Assert.Contains("error: BaseModelNotServed: base model 'openledger-base'", notPaid.Output);
        Assert.DoesNotContain("submitted", notPaid.Output);
        Assert.DoesNotContain("uploaded", notPaid.Output);
        Assert.Equal(nonce, (await Ok(Run("account", Dev(4)))).Field("nonce"));

        // With the override it pays; the id and how to follow it are printed.
        var requested = await Ok(Run("infer", "--dev", "4", "--model", model.ToString(), "--input-file", question, "--allow-unserved-base"));
        var inference = requested.Id("inference");
        Assert.Contains($"follow it: openledger inference show --id {inference}", requested.Output);
        await Tx("RequestInference", requested);
        Assert.Equal("2 OPEN (2000000000000000000 wei)", Indented(tx["RequestInference"], "maxFee"));
        Assert.StartsWith("Requested (expires at block ", (await Ok(Run("inference", "show", "--id", inference.ToString()))).Field("status"));

        // Served by hand (another node's operator), then shown with its output text; then settled by hand.
        using var client = new LedgerClient(new Uri(node.NodeUrl));
        var output = await client.UploadAsync(Encoding.UTF8.GetBytes("the ledger serves it"));
        await Tx("PostResult", await Ok(Run("post-result", "--operator", "serving", "--inference", inference.ToString(), "--output-hash", output.Hash.ToString())));
        Assert.Equal(output.Hash.ToString(), Indented(tx["PostResult"], "output"));
        var servedShow = await Ok(Run("inference", "show", "--id", inference.ToString()));
        Assert.StartsWith("Served", servedShow.Field("status"));
        Assert.Equal($"{output.Hash} (20 bytes): \"the ledger serves it\"", servedShow.Field("output"));
        Assert.EndsWith("(21 bytes): \"who serves this model\"", servedShow.Field("input"));
        Assert.Equal("openledger-base", servedShow.Field("base model"));

        var record = Keccak256.Hash("hand record").ToString();
        await Tx("SettleAttribution", await Ok(Run("settle", "--operator", "attribution", "--inference", inference.ToString(), "--record", record,
            "--attributions", $"{contribution}:3")));
        Assert.Equal($"1: {contribution}", Indented(tx["SettleAttribution"], "contributions"));
        Assert.Equal("1: 3", Indented(tx["SettleAttribution"], "weights"));
        var settledShow = await Ok(Run("inference", "show", "--id", inference.ToString()));
        Assert.StartsWith("2 OPEN in", settledShow.Field("paid"));
        Assert.Contains($"to {Dev(4)} for contribution {contribution}", settledShow.Output);

        Assert.Equal(Enum.GetValues<TxKind>().Select(k => k.ToString()).Order(), tx.Keys.Order());
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
