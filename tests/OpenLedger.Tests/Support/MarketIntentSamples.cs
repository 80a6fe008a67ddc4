using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Tests.Support;

/// <summary>One `typedData` intent of every marketplace transaction kind, keyed by its GraphQL argument name, with the
/// awkward values a codec must carry: empty strings and arrays, numbers past 64 bits, enums, zero hashes. Shared by the
/// tests that check the node's typed data (GraphQL) and the browser's EIP-712 hashing of it (the web app).</summary>
public static class MarketIntentSamples
{
    /// <summary>A stable 32-byte id made from a label.</summary>
    public static string H(string label) => Keccak256.Hash(Encoding.UTF8.GetBytes(label)).ToString();

    public static Dictionary<string, JsonObject> OneOfEachKind(Address curator, string datanetName = "n") => new()
    {
        ["createDatanet"] = new() { ["name"] = datanetName, ["description"] = "", ["tags"] = new JsonArray("a"), ["license"] = "MIT", ["taskKind"] = 2, ["feePerKb"] = "0", ["stake"] = "5", ["forfeitTo"] = 2, ["curators"] = new JsonArray(curator.ToString()) },
        ["updateDatanet"] = new() { ["datanet"] = H("d"), ["description"] = "new", ["tags"] = new JsonArray(), ["curators"] = new JsonArray() },
        ["contribute"] = new() { ["datanet"] = H("d"), ["content"] = H("c"), ["normalizedContent"] = H("n"), ["size"] = "1234" },
        ["curate"] = new() { ["contribution"] = H("c"), ["approve"] = false, ["reason"] = "no" },
        ["publishVersion"] = new() { ["datanet"] = H("d") },
        ["registerModel"] = new() { ["name"] = "m", ["baseModel"] = "b", ["adapter"] = H("a"), ["datanetVersions"] = new JsonArray(H("v")), ["trainingRecord"] = H("t"), ["price"] = "18446744073709551616000", ["ownerBps"] = 2000, ["contributorsBps"] = 7000, ["protocolBps"] = 1000 },
        ["updateModel"] = new() { ["model"] = H("m"), ["price"] = "1", ["status"] = 2, ["adapter"] = "0x" + new string('0', 64), ["trainingRecord"] = "0x" + new string('0', 64), ["datanetVersions"] = new JsonArray() },
        ["requestInference"] = new() { ["model"] = H("m"), ["input"] = H("i"), ["maxFee"] = "7" },
        ["postResult"] = new() { ["inference"] = H("i"), ["output"] = H("o") },
        ["settleAttribution"] = new() { ["inference"] = H("i"), ["record"] = H("r"), ["contributions"] = new JsonArray(H("c1"), H("c2")), ["weights"] = new JsonArray("1", "18446744073709551615") },
    };
}
