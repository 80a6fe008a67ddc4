using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Money;

namespace OpenLedger.Tests.Core;

/// <summary>The message-free forms of the payment checks (what the mempool runs per transaction) decide exactly as
/// the checks whose refusals they stand for.</summary>
public class PaymentChecksTests
{
    [Fact]
    public void The_nonce_code_is_the_nonce_checks_code_for_used_expected_and_ahead_nonces()
    {
        var from = Address.Zero;
        foreach (var expected in new ulong[] { 0, 1, 7, ulong.MaxValue - 1 })
        foreach (var nonce in new ulong[] { 0, 1, 6, 7, 8, ulong.MaxValue })
            Assert.Equal(PaymentChecks.Nonce(from, expected, nonce).Code, PaymentChecks.NonceCode(expected, nonce));
        Assert.Equal(ErrorCode.NonceTooLow, PaymentChecks.NonceCode(5, 4));
        Assert.Equal(ErrorCode.None, PaymentChecks.NonceCode(5, 5));
        Assert.Equal(ErrorCode.NonceGapTooLarge, PaymentChecks.NonceCode(5, 6));
    }

    [Fact]
    public void Affording_a_cost_is_what_covering_it_decides_to_the_wei()
    {
        var balance = Wei.FromOpen(3);
        foreach (var cost in new[] { Wei.Zero, new Wei(balance.Value - 1), balance, new Wei(balance.Value + 1) })
        {
            var covered = PaymentChecks.Covers(balance, cost, "the cost", out var left);
            Assert.Equal(!covered.IsError, PaymentChecks.Affords(balance, cost, out var left2));
            if (!covered.IsError) Assert.Equal(left, left2);
            else Assert.Equal(ErrorCode.InsufficientBalance, covered.Code);
        }
    }
}
