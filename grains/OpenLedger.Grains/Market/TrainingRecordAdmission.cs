using ErrorCode = OpenLedger.Core.Errors.ErrorCode;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.ModelFactory;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage.Content;

namespace OpenLedger.Grains.Market;

/// <summary>The node's admission check for models: a RegisterModel, or an UpdateModel that publishes a new version,
/// naming a training record whose job has an owner (<see cref="TrainingRecordOwner"/>), or an adapter whose metadata
/// names one (<see cref="AdapterOwner"/>), must be sent by that owner (<see cref="ErrorCode.NotTrainingJobOwner"/>), so
/// nobody registers another account's job as their model and takes its owner share, neither with the job's record nor
/// with its adapter under a record of their own making. Node policy, not consensus, like <see cref="ContentAdmission"/>:
/// the node reads the record and the adapter's header from its content store. Content it does not hold, and a record
/// or adapter that names no owner (written before owners existed, jobs the operator started for nobody), binds nobody
/// and is admitted as before.</summary>
public static class TrainingRecordAdmission
{
    /// <summary>Errors for the registrations that fail the check, by position in <paramref name="transactions"/>.</summary>
    public static async Task<IReadOnlyList<(int Position, LedgerError Error)>> CheckAsync(IContentStore? store, IReadOnlyList<VerifiedTransaction> transactions)
    {
        if (store is null) return [];
        var errors = new List<(int, LedgerError)>();
        var recordOwners = new Dictionary<Hash32, Address?>();
        var adapterOwners = new Dictionary<Hash32, Address?>();
        for (int i = 0; i < transactions.Count; i++)
        {
            var (record, adapter) = transactions[i].Tx.Body switch
            {
                RegisterModel r => (r.TrainingRecord, r.Adapter),
                UpdateModel { NewVersion: true } u => (u.TrainingRecord, u.Adapter),
                _ => (Hash32.Zero, Hash32.Zero),
            };
            var sender = transactions[i].Sender;
            if (await OwnerAsync(store, recordOwners, record, TrainingRecordOwner.Read) is { } o && o != sender)
                errors.Add((i, new(ErrorCode.NotTrainingJobOwner,
                    $"training record {record} belongs to the job of {o}; only that account may register a model or version on it, not {sender}")));
            else if (await OwnerAsync(store, adapterOwners, adapter, AdapterOwner.Read) is { } a && a != sender)
                errors.Add((i, new(ErrorCode.NotTrainingJobOwner,
                    $"adapter {adapter} was trained by the job of {a}; only that account may register a model or version on it, not {sender}")));
        }
        return errors;
    }

    private delegate Address? OwnerReader(ReadOnlySpan<byte> content);

    /// <summary>The owner <paramref name="hash"/>'s content names, read once per batch; null for the zero hash and for
    /// content the node does not hold.</summary>
    private static async Task<Address?> OwnerAsync(IContentStore store, Dictionary<Hash32, Address?> seen, Hash32 hash, OwnerReader read)
    {
        if (hash == Hash32.Zero) return null;
        if (!seen.TryGetValue(hash, out var owner))
            seen[hash] = owner = await store.GetAsync(hash) is { } bytes ? read(bytes) : null;
        return owner;
    }
}
