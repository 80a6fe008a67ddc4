using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>Turns an intent's parsed GraphQL arguments into a transaction body through the core's own reader
/// (<see cref="TxBodies.TryFromJson(TxKind, JsonObject, out ITxBody)"/>), so GraphQL checks each field exactly as a signed typed-data message is
/// checked. A value the core refuses is an <see cref="InvalidInputError"/> with the ledger's code (e.g. InvalidField).</summary>
public static class IntentBodies
{
    /// <summary>The keys of an intent that are not body fields.</summary>
    private static readonly HashSet<string> Envelope = ["from", "nonce", "gasPrice"];

    public static ITxBody Build(TxKind kind, IReadOnlyDictionary<string, object?> intent)
    {
        var message = new JsonObject();
        foreach (var (name, value) in intent)
            if (!Envelope.Contains(name)) message[name] = ToJson(value);
        var error = TxBodies.TryFromJson(kind, message, out var body);
        return error.IsError ? throw new InvalidInputError(error.CodeText, $"{kind}: {error.Message}") : body!;
    }

    /// <summary>A parsed GraphQL value as the typed-data JSON the core reads (integers as decimal strings).</summary>
    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        Address a => JsonValue.Create(a.ToString()),
        Hash32 h => JsonValue.Create(h.ToString()),
        Wei w => JsonValue.Create(w.ToString()),
        int i => JsonValue.Create(i.ToString(CultureInfo.InvariantCulture)),
        long l => JsonValue.Create(l.ToString(CultureInfo.InvariantCulture)),
        IEnumerable list => new JsonArray(list.Cast<object?>().Select(ToJson).ToArray()),
        _ => throw new InvalidInputError("BAD_INPUT", $"unexpected intent value of type {value.GetType().Name}"),
    };
}
