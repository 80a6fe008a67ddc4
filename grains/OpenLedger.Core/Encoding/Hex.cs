namespace OpenLedger.Core.Encoding;

/// <summary>0x-prefixed hexadecimal text, the form every Ethereum tool reads and writes.</summary>
public static class Hex
{
    public static string Encode(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    /// <summary>Parses 0x-hex (prefix optional, any case). Returns false on odd length or a non-hex digit.</summary>
    public static bool TryDecode(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null) return false;
        var s = text.AsSpan().Trim();
        if (s.StartsWith("0x") || s.StartsWith("0X")) s = s[2..];
        if (s.Length % 2 != 0) return false;
        var result = new byte[s.Length / 2];
        if (Convert.FromHexString(s, result, out _, out _) != System.Buffers.OperationStatus.Done) return false;
        bytes = result;
        return true;
    }

    public static byte[] Decode(string text) =>
        TryDecode(text, out var bytes) ? bytes : throw new FormatException($"not 0x-hex: '{text}'");
}
