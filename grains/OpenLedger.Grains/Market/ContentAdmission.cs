using ErrorCode = OpenLedger.Core.Errors.ErrorCode;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage.Content;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Grains.Market;

/// <summary>The node's admission check for contributions: the content a Contribute transaction names must be in the
/// content store, with the normalized hash and size the transaction declares. This is node policy, not consensus (the
/// chain sees hashes only): it keeps contributions whose content nobody can read off the chain, and it is what makes
/// the on-chain exact-duplicate rule meaningful (the normalized hash is checked, not trusted). The content must also be
/// a training example of the datanet's task format, text included (<see cref="TaskExampleFormat.TryParse"/>, the very
/// rule Model Factory's loader skips by): only content that can train a model is admitted, so a contributor is never
/// paid for an example the trainer would leave out. The datanet is looked up in the committed state, or among the
/// batch's own CreateDatanet transactions; a contribution to a datanet found in neither is refused (its format is
/// unknown): submit it once the datanet's block is in.</summary>
public static class ContentAdmission
{
    /// <summary>Errors for the contributions that fail the check, by position in <paramref name="transactions"/>.</summary>
    public static async Task<IReadOnlyList<(int Position, LedgerError Error)>> CheckAsync(IContentStore? store, IReadOnlyList<VerifiedTransaction> transactions, ILedgerStore? ledger = null)
    {
        List<(int, Contribute)>? contributions = null;
        for (int i = 0; i < transactions.Count; i++)
            if (transactions[i].Tx.Body is Contribute c) (contributions ??= []).Add((i, c));
        if (contributions is null) return [];
        if (store is null)
            return contributions.Select(c => (c.Item1, new LedgerError(ErrorCode.ContentNotFound, "this node has no content store and admits no contributions"))).ToList();
        var infos = await store.GetInfosAsync(contributions.Select(c => c.Item2.Content).Distinct().ToList());
        var errors = new List<(int, LedgerError)>();
        // Datanets created in this batch: their id is the creating transaction's hash.
        var tasks = new Dictionary<Hash32, TaskKind?>();
        foreach (var t in transactions)
            if (t.Tx.Body is CreateDatanet created) tasks.TryAdd(t.Hash, created.Task);
        foreach (var (position, c) in contributions)
        {
            if (!infos.TryGetValue(c.Content, out var info))
                errors.Add((position, new(ErrorCode.ContentNotFound, $"content {c.Content} is not in the content store: upload it first")));
            else if (info.NormalizedHash != c.NormalizedContent || (ulong)info.Size != c.Size)
                errors.Add((position, new(ErrorCode.ContentMismatch,
                    $"content {c.Content} is {info.Size} bytes with normalized hash {info.NormalizedHash}; the transaction says {c.Size} bytes and {c.NormalizedContent}")));
            else if (ledger is not null)
            {
                if (await TaskAsync(ledger, c.Datanet, tasks) is not { } task)
                    errors.Add((position, new(ErrorCode.UnknownDatanet, $"datanet {c.Datanet} is not committed: contribute once its block is in")));
                else if (await store.GetAsync(c.Content) is not { } bytes)
                    errors.Add((position, new(ErrorCode.ContentNotFound, $"content {c.Content} is not in the content store: upload it first")));
                else if (TaskExampleFormat.AdmissionError(task, bytes, c.Content) is { IsError: true } formatError)
                    errors.Add((position, formatError));
            }
        }
        return errors;
    }

    /// <summary>The datanet's task kind; null for a datanet neither in the store nor created in the batch.</summary>
    private static async Task<TaskKind?> TaskAsync(ILedgerStore ledger, Hash32 datanet, Dictionary<Hash32, TaskKind?> cache)
    {
        if (!cache.TryGetValue(datanet, out var task))
        {
            task = (await ledger.GetObjectAsync(datanet))?.Object is Datanet d ? d.Task : null;
            cache[datanet] = task;
        }
        return task;
    }
}
