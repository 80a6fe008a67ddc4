using CsCheck;
using OpenLedger.Core.Money;

namespace OpenLedger.Tests.Core;

public class WeiTests
{
    [Fact]
    public void Addition_overflow_is_reported_not_wrapped()
    {
        var max = new Wei(UInt128.MaxValue);
        Assert.False(Wei.TryAdd(max, new Wei(1), out _));
        Assert.Throws<OverflowException>(() => max + new Wei(1));
        Assert.False(Wei.TrySubtract(new Wei(1), new Wei(2), out _));
        Assert.False(Wei.TryMultiply(max, 2, out _));
        Assert.True(Wei.TryMultiply(new Wei(3), 21_000, out var p) && p.Value == 63_000);
    }

    [Theory]
    [InlineData("1", "1000000000000000000")]
    [InlineData("12.5", "12500000000000000000")]
    [InlineData("0.000000000000000001", "1")]
    [InlineData(".5", "500000000000000000")]
    public void Open_amounts_parse_exactly(string open, string wei)
    {
        Assert.True(Wei.TryParseOpen(open, out var w));
        Assert.Equal(wei, w.ToString());
    }

    [Theory]
    [InlineData("0.0000000000000000001")] // 19 decimals
    [InlineData("1.2.3")]
    [InlineData("-1")]
    [InlineData("1e18")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("340282366920938463464")] // above 2^128 wei
    public void Malformed_open_amounts_are_rejected(string open) => Assert.False(Wei.TryParseOpen(open, out _));

    [Fact]
    public void Formatting_and_parsing_round_trip() =>
        Gen.UInt.Select(Gen.UInt, Gen.ULong).Sample((a, b, c) =>
        {
            var w = new Wei(new UInt128(a, ((ulong)b << 32) ^ c));
            return Wei.TryParseOpen(w.ToOpenString(), out var back) && back == w
                && Wei.TryParse(w.ToString(), out var back2) && back2 == w;
        });

    [Fact]
    public void Uint256_encoding_round_trips_and_rejects_values_above_128_bits()
    {
        var buf = new byte[32];
        new Wei(UInt128.MaxValue).WriteUInt256(buf);
        Assert.True(Wei.TryReadUInt256(buf, out var w) && w.Value == UInt128.MaxValue);
        buf[15] = 1;
        Assert.False(Wei.TryReadUInt256(buf, out _));
    }
}
