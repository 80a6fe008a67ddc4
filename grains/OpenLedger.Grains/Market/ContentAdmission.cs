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
/// the on-chain exact-duplicate rule meaningful (the normalized hash is checked, not trusted). For a datanet whose task
/// format is structured (prompt-completion, text-label) the content must also parse as that format
/// (<see cref="TaskExampleFormat"/>), so curators and Model Factory never meet an example they cannot read. A datanet
/// not yet committed (created in the same batch) cannot be looked up: its contributions are checked for existence only.</summary>
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
        var tasks = new Dictionary<Hash32, TaskKind?>();
        foreach (var (position, c) in contributions)
        {
            if (!infos.TryGetValue(c.Content, out var info))
                errors.Add((position, new(ErrorCode.ContentNotFound, $"content {c.Content} is not in the content store: upload it first")));
            else if (info.NormalizedHash != c.NormalizedContent || (ulong)info.Size != c.Size)
                errors.Add((position, new(ErrorCode.ContentMismatch,
                    $"content {c.Content} is {info.Size} bytes with normalized hash {info.NormalizedHash}; the transaction says {c.Size} bytes and {c.NormalizedContent}")));
            else if (ledger is not null && await StructuredTaskAsync(ledger, c.Datanet, tasks) is { } task)
            {
                var bytes = await store.GetAsync(c.Content);
                if (bytes is null) errors.Add((position, new(ErrorCode.ContentNotFound, $"content {c.Content} is not in the content store: upload it first")));
                else if (TaskExampleFormat.TryParse(task, bytes, out _) is { IsError: true } formatError)
                    errors.Add((position, new(ErrorCode.InvalidTaskExample, $"content {c.Content} does not fit the datanet's {task} format: {formatError.Message}")));
            }
        }
        return errors;
    }

    /// <summary>The datanet's task kind when its contributions have a structured format; null for plain text or a
    /// datanet not (yet) in the store.</summary>
    private static async Task<TaskKind?> StructuredTaskAsync(ILedgerStore ledger, Hash32 datanet, Dictionary<Hash32, TaskKind?> cache)
    {
        if (!cache.TryGetValue(datanet, out var task))
        {
            task = (await ledger.GetObjectAsync(datanet))?.Object is Datanet d && d.Task != TaskKind.Text ? d.Task : null;
            cache[datanet] = task;
        }
        return task;
    }
}
