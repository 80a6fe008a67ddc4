using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.FineTuning;
using OpenLedger.Cluster;
using OpenLedger.Gateway.Hosting;
using OpenLedger.Gateway.Hosting.Boundary;

namespace OpenLedger.Tests.Clients;

/// <summary>Model Factory and OpenLoRA through the node's GraphQL gateway, driven by real npm clients on the same node as
/// the marketplace flow: a text-label datanet of real WordNet glosses, a training job followed live to its end, the
/// model registered with the job's hashes, and an inference the node itself answers.</summary>
public sealed partial class GraphQLMarketplaceTests
{
    [Fact]
    public async Task A_datanet_version_is_fine_tuned_registered_and_served_through_GraphQL_with_live_progress_and_provenance()
    {
        var keys = node.Chain.Keys;
        // 40 real glosses of two categories, alternating, so both labels are learned from the first steps.
        var corpus = WordNetCorpus.Load();
        var animals = corpus.Synsets.Where(s => s.Category == "noun.animal").Take(20);
        var foods = corpus.Synsets.Where(s => s.Category == "noun.food").Take(20);
        var examples = new JsonArray(animals.Zip(foods).SelectMany(p => new[] { p.First, p.Second })
            .Select(s => (JsonNode)new JsonObject { ["text"] = $"{string.Join(", ", s.Words)}: {s.Definition}", ["label"] = s.Category }).ToArray());

        var r = await NodeJs.RunAsync(NodeJs.JsGraphQLFolder, "model-factory-flow.mjs", new JsonObject
        {
            ["url"] = node.GraphQLUrl.ToString(),
            ["wsUrl"] = node.WebSocketUrl.ToString(),
            ["examples"] = examples,
            // Training and adapter administration are the operator's: the flow holds the node's token.
            ["operatorToken"] = node.OperatorToken,
            ["keys"] = new JsonObject
            {
                ["owner"] = keys[6].ToHex(), ["contributor"] = keys[7].ToHex(), ["publisher"] = keys[6].ToHex(), ["caller"] = keys[7].ToHex(),
            },
        }, TimeSpan.FromSeconds(300));
        output.WriteLine(r.ToJsonString());
        Assert.Empty(r["documentErrors"]!.AsArray());

        // Refusals with stable codes; the wrong-format contribution never reached the chain.
        Assert.Equal((false, "InvalidTaskExample"), (r["badSend"]!["accepted"]!.GetValue<bool>(), S(r["badSend"]!["errorCode"])));
        Assert.Equal("InvalidTaskExample", S(r["badUpload"]));
        var bad = r["badCodes"]!;
        Assert.Equal(("InvalidField", "InvalidField", "DatanetNotFound", "VersionNotFound"),
            (S(bad["rank"]), S(bad["target"]), S(bad["unknownDatanet"]), S(bad["unknownVersion"])));

        // The same training asked twice is one job; the subscription saw it through to success, in order.
        var job = r["job"]!;
        Assert.Equal(S(r["started"]!["id"]), S(r["again"]!["id"]));
        Assert.Equal(("SUCCEEDED", 60, 60, 40), (S(job["status"]), I(job["step"]), I(job["totalSteps"]), I(job["examples"])));
        var events = r["progress"]!["events"]!.AsArray();
        Assert.True(r["progress"]!["completed"]!.GetValue<bool>(), "the trainingJob subscription completes when the job ends");
        Assert.Equal("SUCCEEDED", S(events[^1]!["status"]));
        var sequences = events.Select(e => e!["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        // The job takes a few seconds (reports every half second), so the subscriber sees it running before it ends.
        Assert.Contains(events, e => S(e!["status"]) == "RUNNING" && I(e["step"]) < 60);
        Assert.True(job["loss"]!.GetValue<double>() > 0);

        // The training record names the version, the base model and the adapter; its hash is the job's.
        var record = r["record"]!;
        Assert.Equal(TrainingRecord.CurrentFormat, S(record["format"]));
        Assert.Equal(S(job["datanetVersion"]), S(record["dataset"]!["version"]));
        Assert.Equal(("text-label", 40), (S(record["dataset"]!["task"]), I(record["dataset"]!["examples"])));
        Assert.Equal(S(job["adapter"]), S(record["adapter"]!["keccak"]));
        Assert.Equal(S(job["baseModel"]), S(record["baseModel"]!["name"]));
        // The attribution indexes the job ended with: the job names the hashes the record commits to.
        Assert.Equal(S(job["influenceIndex"]), S(record["attribution"]!["influenceIndex"]!["keccak"]));
        Assert.Equal(S(job["spanIndex"]), S(record["attribution"]!["spanIndex"]!["keccak"]));
        Assert.True(job["indexSeconds"]!.GetValue<double>() > 0);
        Assert.Equal(S(job["trainingRecord"]), Keccak256.Hash(TrainingRecord.Parse(System.Text.Encoding.UTF8.GetBytes(record.ToJsonString())).ToBytes()).ToString());
        // The contributions it flagged for curators: the subscription's last message (the job succeeded) carries the
        // record's flags, in its order; the messages before it (queued, running) carry none.
        var recordFlags = record["attribution"]!["flags"]!["contributions"]!.AsArray().Select(f => S(f!["contribution"])).ToList();
        Assert.NotEmpty(recordFlags);
        Assert.Equal(recordFlags, events[^1]!["flaggedContributions"]!.AsArray().Select(f => S(f!["contributionId"])));
        Assert.Equal(recordFlags, job["flaggedContributions"]!.AsArray().Select(f => S(f!["contributionId"])));
        Assert.All(events.Where(e => S(e!["status"]) != "SUCCEEDED"), e => Assert.Empty(e!["flaggedContributions"]!.AsArray()));

        // The node's OpenLoRA answered the paid inference; the subscription delivered output and provenance.
        var served = r["served"]!;
        Assert.Equal("SERVED", S(served["status"]));
        var outputText = S(served["outputText"]);
        Assert.Equal(Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(outputText)).ToString(), S(served["output"]));
        Assert.Equal(node.ServingOperator.Address.ToString(), S(served["server"]));
        var provenance = served["provenance"]!;
        Assert.Equal((S(job["adapter"]), S(job["trainingRecord"]), S(job["baseModel"])),
            (S(provenance["adapter"]), S(provenance["trainingRecord"]), S(provenance["baseModel"])));
        Assert.Equal([S(job["datanetVersion"])], provenance["datanetVersions"]!.AsArray().Select(S));
        Assert.Equal((S(r["modelId"]), S(r["inputHash"])), (S(provenance["model"]), S(provenance["input"])));

        // Adapter administration, with codes for what cannot be done.
        var adapters = r["adaptersAfterServing"]!["adapters"]!.AsArray();
        Assert.Contains(adapters, a => S(a!["adapter"]) == S(job["adapter"]) && S(a["state"]) == "resident" && a["served"]!.GetValue<long>() >= 1);
        Assert.True(r["adaptersAfterServing"]!["serving"]!["usedBytes"]!.GetValue<long>() > 0);
        Assert.Equal("pinned", S(r["pinned"]!["state"]));
        Assert.Equal("AdapterPinned", S(r["unloadPinnedCode"]));
        Assert.Equal("resident", S(r["unpinned"]!["state"]));
        Assert.Equal("evicted", S(r["unloaded"]!["state"]));
        Assert.Equal("NotPinned", S(r["unpinAgainCode"]));
        Assert.Equal("resident", S(r["reloaded"]!["state"]));
        Assert.Equal(("AdapterNotFound", "InvalidAdapter"), (S(r["missingCode"]), S(r["notAdapterCode"])));
        Assert.Equal("quarantined", S(r["quarantined"]!["state"]));
        Assert.False(string.IsNullOrEmpty(S(r["quarantined"]!["reason"])));
        Assert.Equal(("evicted", null), (S(r["cleared"]!["state"]), r["cleared"]!["reason"]?.ToString()));
    }
}
