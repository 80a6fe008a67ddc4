using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.ModelFactory;

/// <summary>Model Factory's checkpoints in the node's store, as the ML silos' services see them (the ML grains reach the
/// store only through interfaces like this one and <see cref="Market.INodeContent"/>): one slot per unfinished job,
/// holding its last checkpoint, and the job's run epoch, the fence against a stale run. A run <see cref="ClaimAsync">claims</see>
/// the job; its writes name the epoch it got and change nothing once a later run has claimed the job.</summary>
public interface ITrainingCheckpoints
{
    /// <summary>Creates the table if missing (idempotent; every ML silo calls it at start).</summary>
    Task EnsureSchemaAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts a run of <paramref name="job"/> on <paramref name="silo"/>: the new epoch its writes must name.</summary>
    Task<long> ClaimAsync(Hash32 job, string silo, CancellationToken cancellationToken = default);

    /// <summary>The job's last checkpoint (the trainer's state as JSON and the tensors' safetensors bytes), or null.</summary>
    Task<(string StateJson, byte[] Tensors)?> ReadAsync(Hash32 job, CancellationToken cancellationToken = default);

    /// <summary>Replaces the job's checkpoint if <paramref name="epoch"/> still holds the job; false (nothing written)
    /// when a later run has claimed it.</summary>
    Task<bool> WriteAsync(Hash32 job, long epoch, int step, string stateJson, byte[] tensors, CancellationToken cancellationToken = default);

    /// <summary>Forgets the job's checkpoint once the run of <paramref name="epoch"/> succeeded (a stale epoch deletes nothing).</summary>
    Task DeleteAsync(Hash32 job, long epoch, CancellationToken cancellationToken = default);
}
