using CsCheck;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>A contribution pays the datanet's fee per started KiB of its size: ceil(size / 1024) x feePerKb.</summary>
public class MarketContributionFeeTests
{
    private static Datanet Net(Wei feePerKb) =>
        new(MarketDriver.H("d"), Address.Zero, "d", "", [], "", TaskKind.Text, feePerKb, Wei.Zero, ForfeitRule.Owner, [], 0, 0, 0, 0, 0, 0);

    private static UInt128 StartedKib(ulong size) => ((UInt128)size + 1023) / 1024;

    [Fact]
    public void The_fee_is_per_started_KiB_for_any_size() =>
        Gen.ULong[1, ulong.MaxValue - 1023].Select(Gen.ULong[0, 1_000_000_000_000]).Sample((size, perKb) =>
        {
            Assert.True(Net(new Wei(perKb)).TryFee(size, out var fee));
            Assert.Equal(new Wei(perKb * StartedKib(size)), fee);
        }, iter: 2000);

    [Theory]
    [InlineData(1UL, 1UL)]
    [InlineData(1024UL, 1UL)]
    [InlineData(1025UL, 2UL)]
    [InlineData(1_048_576UL, 1024UL)]
    public void Small_sizes_pay_for_the_KiB_they_start(ulong size, ulong kib)
    {
        Assert.True(Net(new Wei(7)).TryFee(size, out var fee));
        Assert.Equal(new Wei(7 * kib), fee);
    }

    /// <summary>BUG (Datanet.TryFee): <c>(size + 1023) / 1024</c> is unchecked ulong arithmetic, so for the 1,023 sizes
    /// above <c>ulong.MaxValue - 1023</c> it wraps to 0 KiB and the contribution is free. Reachable whenever the genesis
    /// sets <c>marketplace.maxContributionBytes</c> that high (its only bound is >= 1).</summary>
    [Theory]
    [InlineData(ulong.MaxValue - 1022)]
    [InlineData(ulong.MaxValue)]
    public void The_largest_sizes_do_not_wrap_around_to_a_free_contribution(ulong size)
    {
        var perKb = new Wei(1_000);
        var expected = new Wei(perKb.Value * StartedKib(size)); // 2^54 KiB x 1,000 wei = 18 OPEN
        // In the core directly...
        Assert.True(Net(perKb).TryFee(size, out var fee));
        Assert.Equal(expected, fee);

        // ...and on a chain whose genesis allows such sizes.
        var d = new MarketDriver(accounts: 2, market: m => m.MaxContributionBytes = ulong.MaxValue);
        var owner = d.Keys[0];
        var datanet = d.Ok(owner, MarketDriver.NewDatanet("huge", perKb, Wei.Zero, ForfeitRule.Owner));
        var ownerBefore = d.Balance(owner);
        var c = d.Ok(d.Keys[1], new Contribute(datanet, MarketDriver.H("c"), MarketDriver.H("n"), size));
        Assert.Equal(expected, d.Market.Contribution(c)!.Fee);
        Assert.Equal(ownerBefore + expected, d.Balance(owner));
    }
}
