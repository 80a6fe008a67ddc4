using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Eip712;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Transactions.Fields;

/// <summary>Turns a body's declared fields and values into the three forms a transaction takes, identically for every
/// kind:
/// <list type="bullet">
/// <item>EIP-712 hashStruct words: atomic types as one word; string as keccak(utf8); arrays as keccak of their
/// elements' encodings concatenated (string elements hashed first), as EIP-712 and ethers define them;</item>
/// <item>wire bytes: address 20, bytes32 32, bool/uint8 1, uint16 2, uint64 8, uint256 32 (big-endian), string as
/// u16 length + UTF-8, arrays as u16 count + elements;</item>
/// <item>typed-data JSON: addresses EIP-55, integers as decimal strings (JavaScript numbers lose precision), arrays as
/// JSON arrays.</item>
/// </list>
/// Decoding checks every length and value and never throws on input.</summary>
public static class BodyFormat
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // ---- EIP-712 ----

    public static void Hash(ITxBody body, ref StructHasher h)
    {
        var fields = body.Fields;
        var values = body.Values();
        for (int i = 0; i < fields.Count; i++)
        {
            var v = values[i];
            switch (fields[i].Type)
            {
                case FieldType.Address: h.Address((Address)v); break;
                case FieldType.Bytes32: h.Bytes32((Hash32)v); break;
                case FieldType.Bool: h.UInt((bool)v ? 1UL : 0UL); break;
                case FieldType.UInt8: h.UInt((byte)v); break;
                case FieldType.UInt16: h.UInt((ushort)v); break;
                case FieldType.UInt64: h.UInt((ulong)v); break;
                case FieldType.UInt256: h.UInt((Wei)v); break;
                case FieldType.String: h.String((string)v); break;
                default: h.Bytes32(ArrayHash(fields[i].Type, v)); break;
            }
        }
    }

    private static Hash32 ArrayHash(FieldType type, object v)
    {
        byte[] words;
        switch (type)
        {
            case FieldType.AddressArray:
            {
                var a = (Address[])v;
                words = new byte[32 * a.Length];
                for (int i = 0; i < a.Length; i++) a[i].CopyTo(words.AsSpan(32 * i + 12, Address.Length));
                break;
            }
            case FieldType.Bytes32Array:
            {
                var a = (Hash32[])v;
                words = new byte[32 * a.Length];
                for (int i = 0; i < a.Length; i++) a[i].CopyTo(words.AsSpan(32 * i, 32));
                break;
            }
            case FieldType.UInt64Array:
            {
                var a = (ulong[])v;
                words = new byte[32 * a.Length];
                for (int i = 0; i < a.Length; i++) BinaryPrimitives.WriteUInt64BigEndian(words.AsSpan(32 * i + 24, 8), a[i]);
                break;
            }
            case FieldType.StringArray:
            {
                var a = (string[])v;
                words = new byte[32 * a.Length];
                for (int i = 0; i < a.Length; i++) Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(a[i])).CopyTo(words.AsSpan(32 * i, 32));
                break;
            }
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
        return Keccak256.Hash(words);
    }

    // ---- wire ----

    public static int EncodedLength(ITxBody body)
    {
        var fields = body.Fields;
        var values = body.Values();
        int n = 0;
        for (int i = 0; i < fields.Count; i++) n += Length(fields[i].Type, values[i]);
        return n;
    }

    private static int Length(FieldType t, object v) => t switch
    {
        FieldType.Address => Address.Length,
        FieldType.Bytes32 or FieldType.UInt256 => 32,
        FieldType.Bool or FieldType.UInt8 => 1,
        FieldType.UInt16 => 2,
        FieldType.UInt64 => 8,
        FieldType.String => 2 + System.Text.Encoding.UTF8.GetByteCount((string)v),
        FieldType.AddressArray => 2 + Address.Length * ((Address[])v).Length,
        FieldType.Bytes32Array => 2 + 32 * ((Hash32[])v).Length,
        FieldType.UInt64Array => 2 + 8 * ((ulong[])v).Length,
        FieldType.StringArray => 2 + ((string[])v).Sum(s => 2 + System.Text.Encoding.UTF8.GetByteCount(s)),
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static void Encode(ITxBody body, Span<byte> d)
    {
        var fields = body.Fields;
        var values = body.Values();
        int p = 0;
        for (int i = 0; i < fields.Count; i++)
        {
            var v = values[i];
            switch (fields[i].Type)
            {
                case FieldType.Address: ((Address)v).CopyTo(d[p..]); p += Address.Length; break;
                case FieldType.Bytes32: ((Hash32)v).CopyTo(d[p..]); p += 32; break;
                case FieldType.Bool: d[p++] = (bool)v ? (byte)1 : (byte)0; break;
                case FieldType.UInt8: d[p++] = (byte)v; break;
                case FieldType.UInt16: BinaryPrimitives.WriteUInt16BigEndian(d[p..], (ushort)v); p += 2; break;
                case FieldType.UInt64: BinaryPrimitives.WriteUInt64BigEndian(d[p..], (ulong)v); p += 8; break;
                case FieldType.UInt256: ((Wei)v).WriteUInt256(d[p..]); p += 32; break;
                case FieldType.String: p += WriteString(d[p..], (string)v); break;
                case FieldType.AddressArray:
                {
                    var a = (Address[])v;
                    BinaryPrimitives.WriteUInt16BigEndian(d[p..], checked((ushort)a.Length)); p += 2;
                    foreach (var x in a) { x.CopyTo(d[p..]); p += Address.Length; }
                    break;
                }
                case FieldType.Bytes32Array:
                {
                    var a = (Hash32[])v;
                    BinaryPrimitives.WriteUInt16BigEndian(d[p..], checked((ushort)a.Length)); p += 2;
                    foreach (var x in a) { x.CopyTo(d[p..]); p += 32; }
                    break;
                }
                case FieldType.UInt64Array:
                {
                    var a = (ulong[])v;
                    BinaryPrimitives.WriteUInt16BigEndian(d[p..], checked((ushort)a.Length)); p += 2;
                    foreach (var x in a) { BinaryPrimitives.WriteUInt64BigEndian(d[p..], x); p += 8; }
                    break;
                }
                case FieldType.StringArray:
                {
                    var a = (string[])v;
                    BinaryPrimitives.WriteUInt16BigEndian(d[p..], checked((ushort)a.Length)); p += 2;
                    foreach (var x in a) p += WriteString(d[p..], x);
                    break;
                }
            }
        }
    }

    private static int WriteString(Span<byte> d, string s)
    {
        var n = System.Text.Encoding.UTF8.GetBytes(s, d[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(d, checked((ushort)n));
        return 2 + n;
    }

    public static LedgerError TryDecode(IReadOnlyList<TypedField> fields, ReadOnlySpan<byte> s, out object[] values)
    {
        values = new object[fields.Count];
        int p = 0;
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            LedgerError Short() => new(ErrorCode.MalformedTransaction, $"the body ends inside field '{f.Name}'");
            switch (f.Type)
            {
                case FieldType.Address:
                    if (s.Length - p < Address.Length) return Short();
                    values[i] = new Address(s.Slice(p, Address.Length)); p += Address.Length; break;
                case FieldType.Bytes32:
                    if (s.Length - p < 32) return Short();
                    values[i] = new Hash32(s.Slice(p, 32)); p += 32; break;
                case FieldType.Bool:
                    if (s.Length - p < 1) return Short();
                    if (s[p] > 1) return new(ErrorCode.MalformedTransaction, $"field '{f.Name}' is a bool: 0 or 1, got {s[p]}");
                    values[i] = s[p++] == 1; break;
                case FieldType.UInt8:
                    if (s.Length - p < 1) return Short();
                    values[i] = s[p++]; break;
                case FieldType.UInt16:
                    if (s.Length - p < 2) return Short();
                    values[i] = BinaryPrimitives.ReadUInt16BigEndian(s[p..]); p += 2; break;
                case FieldType.UInt64:
                    if (s.Length - p < 8) return Short();
                    values[i] = BinaryPrimitives.ReadUInt64BigEndian(s[p..]); p += 8; break;
                case FieldType.UInt256:
                    if (s.Length - p < 32) return Short();
                    if (!Wei.TryReadUInt256(s.Slice(p, 32), out var w)) return new(ErrorCode.AmountOverflow, $"field '{f.Name}' exceeds 2^128 - 1 wei");
                    values[i] = w; p += 32; break;
                case FieldType.String:
                {
                    var e = ReadString(s, ref p, f.Name, out var str);
                    if (e.IsError) return e;
                    values[i] = str!; break;
                }
                default:
                {
                    if (s.Length - p < 2) return Short();
                    int count = BinaryPrimitives.ReadUInt16BigEndian(s[p..]); p += 2;
                    int width = f.Type switch { FieldType.AddressArray => Address.Length, FieldType.Bytes32Array => 32, FieldType.UInt64Array => 8, _ => 0 };
                    if (width > 0 && s.Length - p < count * width) return Short();
                    switch (f.Type)
                    {
                        case FieldType.AddressArray:
                        {
                            var a = new Address[count];
                            for (int k = 0; k < count; k++, p += width) a[k] = new Address(s.Slice(p, width));
                            values[i] = a; break;
                        }
                        case FieldType.Bytes32Array:
                        {
                            var a = new Hash32[count];
                            for (int k = 0; k < count; k++, p += width) a[k] = new Hash32(s.Slice(p, width));
                            values[i] = a; break;
                        }
                        case FieldType.UInt64Array:
                        {
                            var a = new ulong[count];
                            for (int k = 0; k < count; k++, p += width) a[k] = BinaryPrimitives.ReadUInt64BigEndian(s[p..]);
                            values[i] = a; break;
                        }
                        default:
                        {
                            var a = new string[count];
                            for (int k = 0; k < count; k++)
                            {
                                var e = ReadString(s, ref p, f.Name, out var str);
                                if (e.IsError) return e;
                                a[k] = str!;
                            }
                            values[i] = a; break;
                        }
                    }
                    break;
                }
            }
        }
        if (p != s.Length) return new(ErrorCode.MalformedTransaction, $"{s.Length - p} bytes follow the last field");
        return LedgerError.None;
    }

    private static LedgerError ReadString(ReadOnlySpan<byte> s, ref int p, string field, out string? value)
    {
        value = null;
        if (s.Length - p < 2) return new(ErrorCode.MalformedTransaction, $"the body ends inside field '{field}'");
        int n = BinaryPrimitives.ReadUInt16BigEndian(s[p..]);
        p += 2;
        if (s.Length - p < n) return new(ErrorCode.MalformedTransaction, $"the body ends inside field '{field}'");
        try { value = StrictUtf8.GetString(s.Slice(p, n)); }
        catch (DecoderFallbackException) { return new(ErrorCode.MalformedTransaction, $"field '{field}' is not valid UTF-8"); }
        p += n;
        return LedgerError.None;
    }

    // ---- typed-data JSON ----

    public static void WriteJson(ITxBody body, JsonObject message)
    {
        var fields = body.Fields;
        var values = body.Values();
        for (int i = 0; i < fields.Count; i++) message[fields[i].Name] = ToJson(fields[i].Type, values[i]);
    }

    private static JsonNode ToJson(FieldType t, object v) => t switch
    {
        FieldType.Address => JsonValue.Create(((Address)v).ToString()),
        FieldType.Bytes32 => JsonValue.Create(((Hash32)v).ToString()),
        FieldType.Bool => JsonValue.Create((bool)v),
        FieldType.UInt8 => JsonValue.Create(((byte)v).ToString(CultureInfo.InvariantCulture)),
        FieldType.UInt16 => JsonValue.Create(((ushort)v).ToString(CultureInfo.InvariantCulture)),
        FieldType.UInt64 => JsonValue.Create(((ulong)v).ToString(CultureInfo.InvariantCulture)),
        FieldType.UInt256 => JsonValue.Create(((Wei)v).ToString()),
        FieldType.String => JsonValue.Create((string)v),
        FieldType.AddressArray => new JsonArray(((Address[])v).Select(x => (JsonNode?)JsonValue.Create(x.ToString())).ToArray()),
        FieldType.Bytes32Array => new JsonArray(((Hash32[])v).Select(x => (JsonNode?)JsonValue.Create(x.ToString())).ToArray()),
        FieldType.UInt64Array => new JsonArray(((ulong[])v).Select(x => (JsonNode?)JsonValue.Create(x.ToString(CultureInfo.InvariantCulture))).ToArray()),
        FieldType.StringArray => new JsonArray(((string[])v).Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>Reads field values from a typed-data message (or any JSON object of the same shape: GraphQL passes
    /// intents this way). Integers may be JSON strings or numbers; false with the first offending field otherwise.</summary>
    public static bool TryReadJson(IReadOnlyList<TypedField> fields, JsonObject message, out object[] values, out string error)
    {
        values = new object[fields.Count];
        error = "";
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            if (!TryFromJson(f.Type, message[f.Name], out var v))
            {
                error = $"field '{f.Name}' must be {Describe(f.Type)}";
                return false;
            }
            values[i] = v!;
        }
        return true;
    }

    private static string Describe(FieldType t) => t switch
    {
        FieldType.Address => "an address",
        FieldType.Bytes32 => "a 32-byte hex value",
        FieldType.Bool => "true or false",
        FieldType.String => "a string",
        FieldType.UInt256 => "an amount of wei",
        FieldType.AddressArray => "an array of addresses",
        FieldType.Bytes32Array => "an array of 32-byte hex values",
        FieldType.UInt64Array => "an array of unsigned 64-bit integers",
        FieldType.StringArray => "an array of strings",
        _ => $"a {t.Eip712Name()}",
    };

    private static bool TryFromJson(FieldType t, JsonNode? n, out object? v)
    {
        v = null;
        switch (t)
        {
            case FieldType.Address: if (Address.TryParse(Text(n), out var a)) v = a; break;
            case FieldType.Bytes32: if (Hash32.TryParse(Text(n), out var h)) v = h; break;
            case FieldType.Bool:
                if (n is JsonValue jv && jv.TryGetValue<bool>(out var b)) v = b;
                else if (Text(n) is "true" or "1") v = true;
                else if (Text(n) is "false" or "0") v = false;
                break;
            case FieldType.UInt8: if (byte.TryParse(Text(n), NumberStyles.None, CultureInfo.InvariantCulture, out var u8)) v = u8; break;
            case FieldType.UInt16: if (ushort.TryParse(Text(n), NumberStyles.None, CultureInfo.InvariantCulture, out var u16)) v = u16; break;
            case FieldType.UInt64: if (ulong.TryParse(Text(n), NumberStyles.None, CultureInfo.InvariantCulture, out var u64)) v = u64; break;
            case FieldType.UInt256: if (Wei.TryParse(Text(n), out var w)) v = w; break;
            case FieldType.String: if (n is JsonValue sv && TryGetString(sv, out var str)) v = str; break;
            default:
            {
                if (n is not JsonArray arr) return false;
                var elementType = t switch
                {
                    FieldType.AddressArray => FieldType.Address,
                    FieldType.Bytes32Array => FieldType.Bytes32,
                    FieldType.UInt64Array => FieldType.UInt64,
                    _ => FieldType.String,
                };
                var items = new object?[arr.Count];
                for (int i = 0; i < arr.Count; i++)
                    if (!TryFromJson(elementType, arr[i], out items[i])) return false;
                v = elementType switch
                {
                    FieldType.Address => items.Cast<Address>().ToArray(),
                    FieldType.Bytes32 => items.Cast<Hash32>().ToArray(),
                    FieldType.UInt64 => items.Cast<ulong>().ToArray(),
                    _ => (object)items.Cast<string>().ToArray(),
                };
                break;
            }
        }
        return v is not null;
    }

    // A JSON string with a lone surrogate ("\ud800") has no UTF-8 form: signing it would hash U+FFFD instead, so it
    // is refused here rather than silently replaced.
    private static bool TryGetString(JsonValue v, out string? s)
    {
        s = null;
        try
        {
            if (!v.TryGetValue(out s)) return false;
            StrictUtf8.GetByteCount(s);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or EncoderFallbackException or ArgumentException)
        {
            s = null;
            return false;
        }
    }

    // Integers may come as JSON strings (as we emit them) or numbers (as some wallets echo them).
    private static string? Text(JsonNode? n) => n is JsonValue v ? (TryGetString(v, out var s) ? s : v.ToJsonString()) : null;
}
