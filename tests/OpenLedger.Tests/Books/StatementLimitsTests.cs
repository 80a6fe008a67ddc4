using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Books;

namespace OpenLedger.Tests.Books;

/// <summary>A statement request is refused with a stable code before anything is read when it names no single
/// subject, asks for a bad page, or covers a range that is not the chain's or is longer than the bound.</summary>
public class StatementLimitsTests
{
    private static readonly Address A = PrivateKey.Derive("books", "a").Address;

    [Theory]
    [InlineData(null, null, 20_000L, 10_001L, 20_000L)] // the default: the last MaxBlocks blocks
    [InlineData(null, null, 50L, 0L, 50L)]
    [InlineData(0L, 9_999L, 20_000L, 0L, 9_999L)]
    [InlineData(7L, null, 7L, 7L, 7L)]
    public void Defaults_and_bounds_accept_ranges_of_at_most_MaxBlocks(long? from, long? to, long head, long expectFrom, long expectTo)
    {
        Assert.Null(StatementLimits.Check(new StatementRequest(Account: A, FromHeight: from, ToHeight: to), head, out var f, out var t));
        Assert.Equal((expectFrom, expectTo), (f, t));
    }

    [Theory]
    [InlineData(0L, 10_000L, 20_000L, StatementLimits.RangeTooLarge)]
    [InlineData(0L, null, 10_000L, StatementLimits.RangeTooLarge)]
    [InlineData(5L, 4L, 100L, StatementLimits.BadRange)]
    [InlineData(-1L, null, 100L, StatementLimits.BadRange)]
    [InlineData(null, 101L, 100L, StatementLimits.BadRange)]
    public void Bad_or_long_ranges_are_refused_with_stable_codes(long? from, long? to, long head, string code) =>
        Assert.Equal(code, StatementLimits.Check(new StatementRequest(Account: A, FromHeight: from, ToHeight: to), head, out _, out _)?.ErrorCode);

    [Fact]
    public void Bad_pages_and_subjects_are_refused_with_stable_codes()
    {
        var id = Keccak256.Hash("x"u8);
        foreach (var (q, code) in new (StatementRequest, string)[]
                 {
                     (new(Account: A, Limit: 0), StatementLimits.BadPage),
                     (new(Account: A, Limit: StatementLimits.MaxPage + 1), StatementLimits.BadPage),
                     (new(Account: A, Offset: -1), StatementLimits.BadPage),
                     (new(), StatementLimits.BadSubject),
                     (new(Account: A, Datanet: id), StatementLimits.BadSubject),
                     (new(Datanet: id, Model: id), StatementLimits.BadSubject),
                 })
            Assert.Equal(code, StatementLimits.Check(q, 10, out _, out _)?.ErrorCode);
        Assert.Null(StatementLimits.Check(new StatementRequest(Model: id, Limit: StatementLimits.MaxPage), 10, out _, out _));
    }
}
