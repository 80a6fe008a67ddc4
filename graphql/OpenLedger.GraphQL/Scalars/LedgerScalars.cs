using GraphQL;
using GraphQL.Types;
using GraphQLParser.AST;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Money;

namespace OpenLedger.GraphQL.Scalars;

// The schema's scalars. Each accepts its text form (and nothing else) and reports a bad value with a stable code.

/// <summary>A 20-byte address; output EIP-55, input in any case (a mixed-case input must carry a valid checksum).</summary>
public sealed class AddressGraphType : ScalarGraphType
{
    public AddressGraphType() { Name = "Address"; Description = "A 20-byte account address: 0x + 40 hex, EIP-55 checksummed on output; any case on input."; }
    public override object? Serialize(object? value) => value switch { Address a => a.ToString(), null => null, _ => ThrowSerializationError(value) };
    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        string s when Address.TryParse(s, out var a) => a,
        _ => throw new InvalidInputError("BAD_ADDRESS", $"'{value}' is not an address (0x + 40 hex; a mixed-case address needs a valid EIP-55 checksum)"),
    };
    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLStringValue s => ParseValue((string)s.Value),
        GraphQLNullValue => null,
        _ => ThrowLiteralConversionError(value),
    };
}

/// <summary>A 32-byte hash: 0x + 64 hex.</summary>
public sealed class HashGraphType : ScalarGraphType
{
    public HashGraphType() { Name = "Hash"; Description = "A 32-byte hash: 0x + 64 hex."; }
    public override object? Serialize(object? value) => value switch { Hash32 h => h.ToString(), null => null, _ => ThrowSerializationError(value) };
    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        string s when Hash32.TryParse(s, out var h) => h,
        _ => throw new InvalidInputError("BAD_HASH", $"'{value}' is not a hash (0x + 64 hex)"),
    };
    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLStringValue s => ParseValue((string)s.Value),
        GraphQLNullValue => null,
        _ => ThrowLiteralConversionError(value),
    };
}

/// <summary>Arbitrary bytes as 0x-hex.</summary>
public sealed class BytesGraphType : ScalarGraphType
{
    public const int MaxInputBytes = 64 * 1024;
    public BytesGraphType() { Name = "Bytes"; Description = "Bytes as 0x-prefixed hex."; }
    public override object? Serialize(object? value) => value switch { byte[] b => Hex.Encode(b), null => null, _ => ThrowSerializationError(value) };
    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        string s when s.Length <= 2 + 2 * MaxInputBytes && (s.StartsWith("0x") || s.StartsWith("0X")) && Hex.TryDecode(s, out var b) => b,
        _ => throw new InvalidInputError("BAD_BYTES", "expected 0x-prefixed hex of an even length (at most 64 KiB)"),
    };
    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLStringValue s => ParseValue((string)s.Value),
        GraphQLNullValue => null,
        _ => ThrowLiteralConversionError(value),
    };
}

/// <summary>An amount of wei as a decimal string (JavaScript numbers cannot hold 18-decimal amounts).</summary>
public sealed class WeiAmountGraphType : ScalarGraphType
{
    public WeiAmountGraphType() { Name = "BigInt"; Description = "An unsigned integer as a decimal string, e.g. an amount of wei (1 OPEN = 10^18 wei)."; }
    public override object? Serialize(object? value) => value switch
    {
        Wei w => w.ToString(),
        ulong u => u.ToString(System.Globalization.CultureInfo.InvariantCulture),
        null => null,
        _ => ThrowSerializationError(value),
    };
    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        string s when Wei.TryParse(s, out var w) => w,
        int i when i >= 0 => new Wei((UInt128)i),
        long l when l >= 0 => new Wei((UInt128)l),
        System.Numerics.BigInteger b when b >= 0 && b <= (System.Numerics.BigInteger)UInt128.MaxValue => new Wei((UInt128)b),
        _ => throw new InvalidInputError("BAD_AMOUNT", $"'{value}' is not an unsigned integer below 2^128 (give a decimal string)"),
    };
    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLStringValue s => ParseValue((string)s.Value),
        GraphQLIntValue i => ParseValue(new string(i.Value.Span)),
        GraphQLNullValue => null,
        _ => ThrowLiteralConversionError(value),
    };
}

/// <summary>An input error with a stable code in extensions.code.</summary>
public sealed class InvalidInputError : ExecutionError
{
    public InvalidInputError(string code, string message) : base(message) { Code = code; }
}
