using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>The receipts of a run's transactions, read back from the node's store: a transaction included in a block
/// may still have failed (it paid its gas); a benchmark that counted it would measure failures.</summary>
public sealed record ReceiptTally(int Succeeded, int Failed, int Missing, IReadOnlyDictionary<string, int> FailuresByCode, IReadOnlyList<string> Samples)
{
    public bool AllSucceeded(int expected) => Succeeded == expected && Failed == 0 && Missing == 0;

    public string Describe() => Failed == 0 && Missing == 0
        ? $"{Succeeded:N0} succeeded, 0 failed"
        : $"{Succeeded:N0} succeeded, {Failed:N0} FAILED ({string.Join(", ", FailuresByCode.Select(kv => $"{kv.Key} {kv.Value:N0}"))}), {Missing:N0} without receipt";
}

public static class ReceiptCheck
{
    public static async Task<ReceiptTally> CheckAsync(ILedgerStore store, IEnumerable<long> heights, IReadOnlyCollection<Hash32> hashes)
    {
        var pending = hashes.ToHashSet();
        int ok = 0, failed = 0;
        var byCode = new Dictionary<string, int>();
        var samples = new List<string>();
        foreach (var h in heights.Distinct().Order())
            foreach (var r in await store.GetBlockTransactionsAsync(h))
            {
                if (!pending.Remove(r.Hash)) continue;
                if (r.Receipt.Status == ReceiptStatus.Success) { ok++; continue; }
                failed++;
                var code = r.Receipt.Error.ToString();
                byCode[code] = byCode.GetValueOrDefault(code) + 1;
                if (samples.Count < 5) samples.Add($"{r.Kind} {r.Hash} in block {r.Height}: {code}");
            }
        return new ReceiptTally(ok, failed, pending.Count, byCode, samples);
    }
}
