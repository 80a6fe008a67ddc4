using System.Globalization;
using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Client;

/// <summary>Reads the node's scalars out of a GraphQL answer: hashes and addresses as 0x-hex, amounts as decimal
/// strings, enums in CONSTANT_CASE. A field of the wrong shape is a bug on one side, so it throws.</summary>
internal static class JsonFields
{
    public static JsonElement? Opt(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static JsonElement Req(this JsonElement e, string name) =>
        e.Opt(name) ?? throw new GraphQLRequestException("BAD_RESPONSE", $"the node's answer has no '{name}'");

    public static string Str(this JsonElement e, string name) => e.Req(name).GetString()!;
    public static string? OptStr(this JsonElement e, string name) => e.Opt(name)?.GetString();
    public static long Long(this JsonElement e, string name) => e.Req(name).GetInt64();
    public static long? OptLong(this JsonElement e, string name) => e.Opt(name)?.GetInt64();
    public static int Int(this JsonElement e, string name) => e.Req(name).GetInt32();
    public static int? OptInt(this JsonElement e, string name) => e.Opt(name)?.GetInt32();
    public static double? OptDouble(this JsonElement e, string name) => e.Opt(name)?.GetDouble();
    public static double Double(this JsonElement e, string name) => e.Req(name).GetDouble();
    public static bool Bool(this JsonElement e, string name) => e.Req(name).GetBoolean();

    public static Hash32 Hash(this JsonElement e, string name) => Hash32.Parse(e.Str(name));
    public static Hash32? OptHash(this JsonElement e, string name) => e.OptStr(name) is { } s ? Hash32.Parse(s) : null;
    public static Address Addr(this JsonElement e, string name) => Address.Parse(e.Str(name));
    public static Address? OptAddr(this JsonElement e, string name) => e.OptStr(name) is { } s ? Address.Parse(s) : null;
    public static Wei Wei(this JsonElement e, string name) => Core.Money.Wei.Parse(e.Str(name));
    public static Wei? OptWei(this JsonElement e, string name) => e.OptStr(name) is { } s ? Core.Money.Wei.Parse(s) : null;
    public static ulong ULong(this JsonElement e, string name) => ulong.Parse(e.Str(name), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>An enum value from GraphQL's CONSTANT_CASE (PROMPT_COMPLETION is PromptCompletion).</summary>
    public static T Enum<T>(this JsonElement e, string name) where T : struct, System.Enum =>
        System.Enum.Parse<T>(e.Str(name).Replace("_", ""), ignoreCase: true);

    public static T[] Array<T>(this JsonElement e, string name, Func<JsonElement, T> read) =>
        e.Req(name).EnumerateArray().Select(read).ToArray();

    public static string[] Strings(this JsonElement e, string name) => e.Array(name, x => x.GetString()!);
    public static Hash32[] Hashes(this JsonElement e, string name) => e.Array(name, x => Hash32.Parse(x.GetString()!));
    public static Address[] Addrs(this JsonElement e, string name) => e.Array(name, x => Address.Parse(x.GetString()!));

    /// <summary>The nodes of a connection (<c>{ nodes { ... } }</c>).</summary>
    public static JsonElement[] Nodes(this JsonElement e, string name) => e.Req(name).Req("nodes").EnumerateArray().ToArray();
}
