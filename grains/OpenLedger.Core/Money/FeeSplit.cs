using System.Numerics;

namespace OpenLedger.Core.Money;

/// <summary>Exact proportional splitting of an amount of wei (the largest-remainder method): each part gets the
/// floor of its exact share, then the wei left over go one each to the parts with the largest fractional remainders,
/// ties to the lower index. The parts always sum to the whole, to the last wei, whatever the weights. Integer
/// arithmetic only: amount x weight needs up to 192 bits, so the general path is BigInteger; when every product fits
/// in 128 bits (any fee below 2^64 wei, about 18 OPEN, or small weights) the same method runs on UInt128, without the
/// allocations of a BigInteger per operation that a settlement of a hundred contributors made.</summary>
public static class FeeSplit
{
    public static Wei[] Split(Wei total, IReadOnlyList<ulong> weights)
    {
        ArgumentOutOfRangeException.ThrowIfZero(weights.Count);
        UInt128 sum = 0; // at most int.MaxValue weights below 2^64 each: below 2^95, no overflow
        ulong max = 0;
        foreach (var w in weights)
        {
            sum += w;
            if (w > max) max = w;
        }
        if (sum == 0) throw new ArgumentException("the weights sum to zero", nameof(weights));
        return total.Value <= UInt128.MaxValue / max ? SplitNarrow(total.Value, weights, sum) : SplitWide(total, weights);
    }

    /// <summary>The method on UInt128: every amount x weight fits (checked by the caller).</summary>
    internal static Wei[] SplitNarrow(UInt128 amount, IReadOnlyList<ulong> weights, UInt128 sum)
    {
        var parts = new Wei[weights.Count];
        var remainders = new UInt128[weights.Count];
        UInt128 given = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            var (q, r) = UInt128.DivRem(amount * weights[i], sum);
            parts[i] = new Wei(q);
            remainders[i] = r;
            given += q;
        }
        var left = (int)(amount - given); // fewer than weights.Count: each floor loses less than one wei
        if (left > 0)
        {
            var order = new int[weights.Count];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            // Largest remainder first, ties to the lower index: a total order, so any sort gives the same first `left`.
            Array.Sort(order, (x, y) => remainders[x] != remainders[y] ? remainders[y].CompareTo(remainders[x]) : x.CompareTo(y));
            for (int k = 0; k < left; k++) parts[order[k]] = parts[order[k]] + new Wei(1);
        }
        return parts;
    }

    /// <summary>The method on BigInteger, for any amount and weights.</summary>
    internal static Wei[] SplitWide(Wei total, IReadOnlyList<ulong> weights)
    {
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
        var left = (int)(amount - given);
        if (left > 0)
        {
            var order = Enumerable.Range(0, weights.Count)
                .OrderByDescending(i => remainders[i]).ThenBy(i => i).Take(left);
            foreach (var i in order) parts[i] = parts[i] + new Wei(1);
        }
        return parts;
    }
}
