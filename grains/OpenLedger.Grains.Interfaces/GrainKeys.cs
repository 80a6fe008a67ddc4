using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains;

/// <summary>
/// The string key of a grain, or of a "market" stream, named by an address or a hash: lower-case 0x hex, so an EIP-55
/// address and its lower-case form reach the same grain. Persisted grain state is stored under these keys, so they
/// never change form.
/// </summary>
public static class GrainKeys
{
    /// <summary>An account's key (<c>IAccountGrain</c>, <c>IRewardAccountGrain</c>, the rewards stream): its lower-case address.
    /// Written from the bytes: the EIP-55 text would cost a keccak only for its case to be thrown away, and a
    /// settlement names a hundred payees.</summary>
    public static string Of(Address address)
    {
        Span<byte> raw = stackalloc byte[Address.Length];
        address.CopyTo(raw);
        Span<char> text = stackalloc char[2 + 2 * Address.Length];
        text[0] = '0';
        text[1] = 'x';
        Convert.TryToHexStringLower(raw, text[2..], out _);
        return new string(text);
    }

    /// <summary>A transaction's, datanet's, model's, inference's or training job's key: its hash (which prints lower-case).</summary>
    public static string Of(Hash32 hash) => hash.ToString();

    /// <summary>The key of an id already written as 0x hex (a stream message's fields): checked and lower-cased.</summary>
    public static string OfHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length < 3 || hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X') || hex.AsSpan(2).ContainsAnyExcept(HexDigits))
            throw new ArgumentException($"a stream key must be 0x-prefixed hex, got '{hex}'", nameof(hex));
        return hex.ToLowerInvariant();
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
}
