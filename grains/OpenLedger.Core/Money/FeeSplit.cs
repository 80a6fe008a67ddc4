using System.Numerics;

namespace OpenLedger.Core.Money;

/// <summary>Exact proportional splitting of an amount of wei (the largest-remainder method): each part gets the
/// floor of its exact share, then the wei left over go one each to the parts with the largest fractional remainders,
/// ties to the lower index. The parts always sum to the whole, to the last wei, whatever the weights. Integer
/// arithmetic only (BigInteger: amount x weight needs up to 192 bits).</summary>
public static class FeeSplit
{
    public static Wei[] Split(Wei total, IReadOnlyList<ulong> weights)
    {
        ArgumentOutOfRangeException.ThrowIfZero(weights.Count);
        BigInteger sum = 0;
        foreach (var w in weights) sum += w;
        if (sum.IsZero) throw new ArgumentException("the weights sum to zero", nameof(weights));
        var amount = (BigInteger)total.Value;
        var parts = new Wei[weights.Count];
        var remainders = new BigInteger[weights.Count];
        BigInteger given = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            var q = BigInteger.DivRem(amount * weights[i], sum, out remainders[i]);
            parts[i] = new Wei((UInt128)q);
            given += q;
        }
        var left = (int)(amount - given); // fewer than weights.Count: each floor loses less than one wei
        if (left > 0)
        {
            var order = Enumerable.Range(0, weights.Count)
                .OrderByDescending(i => remainders[i]).ThenBy(i => i).Take(left);
            foreach (var i in order) parts[i] = parts[i] + new Wei(1);
        }
        return parts;
    }
}
