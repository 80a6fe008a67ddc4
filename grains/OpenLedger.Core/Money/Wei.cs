using System.Globalization;
using System.Numerics;

namespace OpenLedger.Core.Money;

/// <summary>An amount of OPEN in wei (1 OPEN = 10^18 wei). Integer only; every operation is checked:
/// an overflow or an underflow is reported, never wrapped. 128 bits hold 3.4 x 10^20 OPEN, far above any supply;
/// on the wire amounts are uint256, and a value above 2^128 - 1 is rejected at decoding.</summary>
public readonly record struct Wei(UInt128 Value) : IComparable<Wei>
{
    public const int Decimals = 18;
    public static readonly Wei Zero = new(UInt128.Zero);
    public static readonly UInt128 OneOpen = (UInt128)1_000_000_000_000_000_000UL;

    public static Wei FromOpen(ulong open) => new(checked((UInt128)open * OneOpen));

    public static bool TryAdd(Wei a, Wei b, out Wei sum)
    {
        var s = a.Value + b.Value;
        sum = new Wei(s);
        return s >= a.Value;
    }

    public static bool TrySubtract(Wei a, Wei b, out Wei difference)
    {
        difference = a.Value >= b.Value ? new Wei(a.Value - b.Value) : Zero;
        return a.Value >= b.Value;
    }

    public static bool TryMultiply(Wei a, ulong factor, out Wei product)
    {
        product = Zero;
        if (a.Value == 0 || factor == 0) return true;
        if (a.Value > UInt128.MaxValue / factor) return false;
        product = new Wei(a.Value * factor);
        return true;
    }

    public static Wei operator +(Wei a, Wei b) => TryAdd(a, b, out var s) ? s : throw new OverflowException("wei addition overflowed");
    public static Wei operator -(Wei a, Wei b) => TrySubtract(a, b, out var d) ? d : throw new OverflowException("wei subtraction underflowed");

    public int CompareTo(Wei other) => Value.CompareTo(other.Value);
    public static bool operator <(Wei a, Wei b) => a.Value < b.Value;
    public static bool operator >(Wei a, Wei b) => a.Value > b.Value;
    public static bool operator <=(Wei a, Wei b) => a.Value <= b.Value;
    public static bool operator >=(Wei a, Wei b) => a.Value >= b.Value;

    /// <summary>Decimal digits of wei, as stored and sent over the wire.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out Wei wei)
    {
        wei = Zero;
        if (string.IsNullOrEmpty(text) || text.Length > 39 || !text.All(char.IsAsciiDigit)) return false;
        if (!UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return false;
        wei = new Wei(v);
        return true;
    }

    public static Wei Parse(string text) =>
        TryParse(text, out var w) ? w : throw new FormatException($"not an amount of wei (decimal digits, below 2^128): '{text}'");

    /// <summary>Parses a human amount of OPEN such as "12.5" exactly (at most 18 decimals).</summary>
    public static bool TryParseOpen(string? text, out Wei wei)
    {
        wei = Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 && (parts.Length == 1 || parts[1].Length == 0)) return false;
        var whole = parts[0].Length == 0 ? "0" : parts[0];
        var frac = parts.Length == 2 ? parts[1] : "";
        if (frac.Length > Decimals || !whole.All(char.IsAsciiDigit) || !frac.All(char.IsAsciiDigit)) return false;
        var digits = BigInteger.Parse(whole + frac.PadRight(Decimals, '0'), CultureInfo.InvariantCulture);
        if (digits > (BigInteger)UInt128.MaxValue) return false;
        wei = new Wei((UInt128)digits);
        return true;
    }

    /// <summary>Formats as OPEN with all significant decimals, e.g. "1000.25".</summary>
    public string ToOpenString()
    {
        var whole = Value / OneOpen;
        var frac = Value % OneOpen;
        if (frac == 0) return whole.ToString(CultureInfo.InvariantCulture);
        return whole.ToString(CultureInfo.InvariantCulture) + "." +
               frac.ToString(CultureInfo.InvariantCulture).PadLeft(Decimals, '0').TrimEnd('0');
    }

    /// <summary>Big-endian 32-byte form (ABI uint256).</summary>
    public void WriteUInt256(Span<byte> destination)
    {
        destination[..16].Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(destination[16..32], Value);
    }

    /// <summary>Reads a big-endian uint256; false if it does not fit in 128 bits.</summary>
    public static bool TryReadUInt256(ReadOnlySpan<byte> source, out Wei wei)
    {
        wei = Zero;
        if (source[..16].IndexOfAnyExcept((byte)0) >= 0) return false;
        wei = new Wei(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(source[16..32]));
        return true;
    }
}
