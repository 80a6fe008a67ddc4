using System.Text.Json;
using System.Text.Json.Nodes;
using OpenLedger.Core.Eip712;

namespace OpenLedger.Core.Transactions;

/// <summary>The exact EIP-712 payload a wallet signs for a transaction, as JSON: <c>{ domain, types, primaryType, message }</c>.
/// <c>types</c> includes <c>EIP712Domain</c> (MetaMask's eth_signTypedData_v4 wants it; ethers' signTypedData takes
/// the types without it). Integers are decimal strings so no JavaScript number loses precision.</summary>
public static class TypedDataDocument
{
    public static JsonObject For(Transaction tx)
    {
        var domain = Eip712Domain.ForChain(tx.ChainId);
        var fields = new JsonArray(tx.TypedFields.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["type"] = f.TypeName }).ToArray());
        var message = new JsonObject
        {
            ["from"] = tx.From.ToString(),
            ["nonce"] = tx.Nonce.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["gasPrice"] = tx.GasPrice.ToString(),
        };
        Transactions.Fields.BodyFormat.WriteJson(tx.Body, message);
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

    public static string ToJson(Transaction tx) => For(tx).ToJsonString();

    /// <summary>Reads back a payload of this form (as a wallet signed it) into a transaction, so a client that holds
    /// only the typed data and a signature can submit. Checks the domain and the type exactly; false with a reason otherwise.</summary>
    public static bool TryParse(string json, out Transaction? tx, out string error)
    {
        tx = null;
        error = "";
        try
        {
            if (JsonNode.Parse(json) is not JsonObject doc) { error = "typed data must be a JSON object"; return false; }
            var domain = doc["domain"] as JsonObject;
            var message = doc["message"] as JsonObject;
            var primary = doc["primaryType"]?.GetValue<string>();
            if (domain is null || message is null || primary is null) { error = "typed data needs domain, primaryType and message"; return false; }
            if ((string?)domain["name"] != Eip712Domain.DefaultName || (string?)domain["version"] != Eip712Domain.DefaultVersion)
            { error = $"domain must be {{ name: \"{Eip712Domain.DefaultName}\", version: \"{Eip712Domain.DefaultVersion}\" }}"; return false; }
            if (!Enum.TryParse<TxKind>(primary, ignoreCase: false, out var kind) || !Enum.IsDefined(kind)) { error = $"unknown primaryType '{primary}'"; return false; }
            // The declared type is what the wallet hashed: it must be exactly the kind's, or the signature is over another digest.
            if (!TypeMatches(doc["types"]?[primary] as JsonArray, kind, out var expected)) { error = $"types.{primary} must be exactly {expected}"; return false; }
            if (!ulong.TryParse(Text(domain["chainId"]), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var chainId)) { error = "domain.chainId must be an unsigned integer"; return false; }
            if (!Crypto.Address.TryParse(Text(message["from"]), out var from)) { error = "message.from must be an address"; return false; }
            if (!ulong.TryParse(Text(message["nonce"]), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var nonce)) { error = "message.nonce must be an unsigned 64-bit integer"; return false; }
            if (!Money.Wei.TryParse(Text(message["gasPrice"]), out var gasPrice)) { error = "message.gasPrice must be an amount of wei"; return false; }
            if (!TxBodies.TryFromJson(kind, message, out var body, out var fieldError)) { error = $"message does not match {primary}: {fieldError}"; return false; }
            tx = new Transaction(chainId, from, nonce, gasPrice, body!);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            error = $"typed data is not valid JSON of the expected shape: {e.Message}";
            return false;
        }
    }

    private static bool TypeMatches(JsonArray? declared, TxKind kind, out string expected)
    {
        IReadOnlyList<(string Name, string Type)> fields =
            [("from", "address"), ("nonce", "uint64"), ("gasPrice", "uint256"), .. TxBodies.SchemaOf(kind).Select(f => (f.Name, f.TypeName))];
        expected = "[" + string.Join(", ", fields.Select(f => $"{f.Type} {f.Name}")) + "]";
        if (declared is null || declared.Count != fields.Count) return false;
        for (int i = 0; i < fields.Count; i++)
            if (declared[i] is not JsonObject f || Text(f["name"]) != fields[i].Name || Text(f["type"]) != fields[i].Type) return false;
        return true;
    }

    // Integers may come as JSON strings (as we emit them) or numbers (as some wallets echo them).
    private static string? Text(JsonNode? n) => n is JsonValue v ? (v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null;
}
