using OpenLedger.Benchmarks.Ledger;
using OpenLedger.Client;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>Clients spread over a cluster's silos: each batch goes to the next silo's GraphQL endpoint in turn (as a load
/// balancer in front of the silos would send it), and the chain is watched through the first silo's, so every row
/// observes commits the same way. The silo a batch lands on passes it to the one transaction intake and mempool of the
/// cluster, wherever Orleans placed them.</summary>
public sealed class SpreadNodeAccess(IReadOnlyList<LedgerClient> clients) : INodeAccess
{
    private readonly GraphQLNodeAccess[] _silos = clients.Select(c => new GraphQLNodeAccess(c)).ToArray();
    private int _next = -1;

    public string Name => $"public API: LedgerClient, GraphQL over HTTP, batches spread over {_silos.Length} silo(s)";

    public Task<long> HeadHeightAsync() => _silos[0].HeadHeightAsync();

    public Task<IReadOnlyList<SubmitResult>> SubmitAsync(byte[][] batch) =>
        _silos[(int)((uint)Interlocked.Increment(ref _next) % (uint)_silos.Length)].SubmitAsync(batch);

    public Task<IReadOnlyList<BlockCommitted>> WaitForBlocksAsync(long afterHeight, TimeSpan timeout) => _silos[0].WaitForBlocksAsync(afterHeight, timeout);

    public Task<MempoolStats> GetMempoolStatsAsync() => _silos[0].GetMempoolStatsAsync();
}
