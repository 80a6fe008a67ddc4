using ErrorCode = OpenLedger.Core.Errors.ErrorCode;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.ModelFactory;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage.Content;

namespace OpenLedger.Grains.Market;

/// <summary>The node's admission check for models: a RegisterModel, or an UpdateModel that publishes a new version,
/// naming a training record whose job has an owner (<see cref="TrainingRecordOwner"/>) must be sent by that owner
/// (<see cref="ErrorCode.NotTrainingJobOwner"/>), so nobody registers another account's job as their model and takes
/// its owner share. Node policy, not consensus, like <see cref="ContentAdmission"/>: the node reads the record from its
/// content store. A record it does not hold, or one that names no owner (records written before owners existed, jobs
/// the operator started for nobody), binds nobody and is admitted as before.</summary>
public static class TrainingRecordAdmission
{
    /// <summary>Errors for the registrations that fail the check, by position in <paramref name="transactions"/>.</summary>
    public static async Task<IReadOnlyList<(int Position, LedgerError Error)>> CheckAsync(IContentStore? store, IReadOnlyList<VerifiedTransaction> transactions)
    {
        if (store is null) return [];
        var errors = new List<(int, LedgerError)>();
        var owners = new Dictionary<Hash32, Address?>();
        for (int i = 0; i < transactions.Count; i++)
        {
            var record = transactions[i].Tx.Body switch
            {
                RegisterModel r => r.TrainingRecord,
                UpdateModel { NewVersion: true } u => u.TrainingRecord,
                _ => Hash32.Zero,
            };
            if (record == Hash32.Zero) continue;
            if (!owners.TryGetValue(record, out var owner))
                owners[record] = owner = await store.GetAsync(record) is { } bytes ? TrainingRecordOwner.Read(bytes) : null;
            if (owner is { } o && o != transactions[i].Sender)
                errors.Add((i, new(ErrorCode.NotTrainingJobOwner,
                    $"training record {record} belongs to the job of {o}; only that account may register a model or version on it, not {transactions[i].Sender}")));
        }
        return errors;
    }
}
