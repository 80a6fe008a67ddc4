using System.Globalization;
using OpenLedger.Core.Crypto;

namespace OpenLedger.GraphQL.Search;

/// <summary>What a search box's text names: a block height (digits, optionally after '#'), a 32-byte hash or a
/// 20-byte address (64 or 40 hex digits, with or without 0x; an address in mixed case must carry a valid EIP-55
/// checksum). Anything else is not searchable.</summary>
public readonly record struct SearchText(long? Height, Hash32? Hash, Address? Address)
{
    /// <summary>The longest text searched (a hash with 0x and spaces around it fits).</summary>
    public const int MaxLength = 100;

    /// <summary>The code of text that names nothing searchable.</summary>
    public const string InvalidSearch = "INVALID_SEARCH";

    public static bool TryParse(string? text, out SearchText parsed, out string why)
    {
        parsed = default;
        var s = (text ?? "").Trim();
        if (s.Length == 0) { why = "the search text is empty"; return false; }
        if (s.Length > MaxLength) { why = $"the search text is longer than {MaxLength} characters"; return false; }
        var digits = s.StartsWith('#') ? s[1..] : s;
        if (digits.Length is > 0 and <= 18 && digits.All(char.IsAsciiDigit))
        {
            parsed = new SearchText(long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture), null, null);
            why = "";
            return true;
        }
        var hex = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;
        if (hex.All(char.IsAsciiHexDigit))
        {
            if (hex.Length == 64 && Hash32.TryParse("0x" + hex, out var hash))
            {
                parsed = new SearchText(null, hash, null);
                why = "";
                return true;
            }
            if (hex.Length == 40)
            {
                if (Core.Crypto.Address.TryParse("0x" + hex, out var address))
                {
                    parsed = new SearchText(null, null, address);
                    why = "";
                    return true;
                }
                why = $"'{s}' looks like an address but its mixed case is not a valid EIP-55 checksum (a typo?)";
                return false;
            }
        }
        why = $"'{s}' is not a block height, a 32-byte hash (64 hex digits) or an address (40 hex digits)";
        return false;
    }
}
