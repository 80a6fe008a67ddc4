using ErrorCode = OpenLedger.Core.Ledger.ErrorCode;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Datanets;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage.Content;

namespace OpenLedger.Grains.Market;

/// <summary>The node's admission check for contributions: the content a Contribute transaction names must be in the
/// content store, with the normalized hash and size the transaction declares. This is node policy, not consensus (the
/// chain sees hashes only): it keeps contributions whose content nobody can read off the chain, and it is what makes
/// the on-chain exact-duplicate rule meaningful (the normalized hash is checked, not trusted).</summary>
public static class ContentAdmission
{
    /// <summary>Errors for the contributions that fail the check, by position in <paramref name="transactions"/>.</summary>
    public static async Task<IReadOnlyList<(int Position, LedgerError Error)>> CheckAsync(IContentStore? store, IReadOnlyList<VerifiedTransaction> transactions)
    {
        List<(int, Contribute)>? contributions = null;
        for (int i = 0; i < transactions.Count; i++)
            if (transactions[i].Tx.Body is Contribute c) (contributions ??= []).Add((i, c));
        if (contributions is null) return [];
        if (store is null)
            return contributions.Select(c => (c.Item1, new LedgerError(ErrorCode.ContentNotFound, "this node has no content store and admits no contributions"))).ToList();
        var infos = await store.GetInfosAsync(contributions.Select(c => c.Item2.Content).Distinct().ToList());
        var errors = new List<(int, LedgerError)>();
        foreach (var (position, c) in contributions)
        {
            if (!infos.TryGetValue(c.Content, out var info))
                errors.Add((position, new(ErrorCode.ContentNotFound, $"content {c.Content} is not in the content store: upload it first")));
            else if (info.NormalizedHash != c.NormalizedContent || (ulong)info.Size != c.Size)
                errors.Add((position, new(ErrorCode.ContentMismatch,
                    $"content {c.Content} is {info.Size} bytes with normalized hash {info.NormalizedHash}; the transaction says {c.Size} bytes and {c.NormalizedContent}")));
        }
        return errors;
    }
}
