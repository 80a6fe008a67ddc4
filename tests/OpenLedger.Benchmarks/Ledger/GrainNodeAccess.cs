using OpenLedger.Grains.Ledger;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>The node through its grains: the silo's own client (in-process), or an Orleans client of the gateway port
/// (a cluster-internal path, inside the trust boundary; users do not have it).</summary>
public sealed class GrainNodeAccess(IGrainFactory grains, string name) : INodeAccess
{
    private readonly IChainGrain _chain = grains.GetGrain<IChainGrain>(0);
    private readonly IMempoolGrain _mempool = grains.GetGrain<IMempoolGrain>(0);
    private readonly ITransactionIntakeGrain _gateway = grains.GetGrain<ITransactionIntakeGrain>(0);

    public string Name => name;

    public async Task<long> HeadHeightAsync() => (await _chain.GetInfoAsync()).HeadHeight;

    public Task<IReadOnlyList<SubmitResult>> SubmitAsync(byte[][] batch) => _gateway.SubmitAsync(batch);

    public Task<IReadOnlyList<BlockCommitted>> WaitForBlocksAsync(long afterHeight, TimeSpan timeout) => _chain.WaitForBlocksAsync(afterHeight, timeout);

    public Task<MempoolStats> GetMempoolStatsAsync() => _mempool.GetStatsAsync();
}
