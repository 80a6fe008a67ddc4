using System.Text.Json;
using System.Text.Json.Nodes;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Eip712;

/// <summary>The exact EIP-712 payload a wallet signs for a transaction, as JSON: <c>{ domain, types, primaryType, message }</c>.
/// <c>types</c> includes <c>EIP712Domain</c> (MetaMask's eth_signTypedData_v4 wants it; ethers' signTypedData takes
/// the types without it). Integers are decimal strings so no JavaScript number loses precision.</summary>
public static class TypedDataDocument
{
    public static JsonObject For(Transaction tx)
    {
        var domain = Eip712Domain.ForChain(tx.ChainId);
        var fields = new JsonArray(tx.TypedFields.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["type"] = f.Type }).ToArray());
        var message = new JsonObject
        {
            ["from"] = tx.From.ToString(),
            ["nonce"] = tx.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["gasPrice"] = tx.GasPrice.ToString(),
        };
        foreach (var (k, v) in tx.Body.MessageValues()) message[k] = JsonValue.Create(v);
        return new JsonObject
        {
            ["domain"] = new JsonObject
            {
                ["name"] = domain.Name,
                ["version"] = domain.Version,
                ["chainId"] = domain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            ["types"] = new JsonObject
            {
                ["EIP712Domain"] = new JsonArray(
                    new JsonObject { ["name"] = "name", ["type"] = "string" },
                    new JsonObject { ["name"] = "version", ["type"] = "string" },
                    new JsonObject { ["name"] = "chainId", ["type"] = "uint256" }),
                [tx.PrimaryType] = fields,
            },
            ["primaryType"] = tx.PrimaryType,
            ["message"] = message,
        };
    }

    public static string ToJson(Transaction tx) => For(tx).ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
