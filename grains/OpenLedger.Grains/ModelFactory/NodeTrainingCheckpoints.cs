using OpenLedger.Core.Crypto;
using OpenLedger.Storage.Checkpoints;

namespace OpenLedger.Grains.ModelFactory;

/// <summary>The node's <c>ml_checkpoints</c> table (<see cref="SqlTrainingCheckpoints"/>) behind the interface the ML
/// silos' grains use, like <see cref="Market.NodeContent"/> for the content store.</summary>
public sealed class NodeTrainingCheckpoints(SqlTrainingCheckpoints store) : ITrainingCheckpoints
{
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) => store.EnsureSchemaAsync(cancellationToken);

    public Task<long> ClaimAsync(Hash32 job, string silo, CancellationToken cancellationToken = default) => store.ClaimAsync(job, silo, cancellationToken);

    public async Task<(string StateJson, byte[] Tensors)?> ReadAsync(Hash32 job, CancellationToken cancellationToken = default) =>
        await store.ReadAsync(job, cancellationToken) is { } stored ? (stored.StateJson, stored.Tensors) : null;

    public Task<bool> WriteAsync(Hash32 job, long epoch, int step, string stateJson, byte[] tensors, CancellationToken cancellationToken = default) =>
        store.WriteAsync(job, epoch, step, stateJson, tensors, cancellationToken);

    public Task DeleteAsync(Hash32 job, long epoch, CancellationToken cancellationToken = default) => store.DeleteAsync(job, epoch, cancellationToken);
}
