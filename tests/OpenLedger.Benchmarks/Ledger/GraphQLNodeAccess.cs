using System.Diagnostics;
using OpenLedger.Client;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>The node as its users reach it: OpenLedger.Client's <see cref="LedgerClient"/>, GraphQL over HTTP to
/// <c>/graphql</c>. Batches go through <c>sendTransactions</c> (one request each); blocks are seen by polling the head
/// every <see cref="HeadPoll"/> and reading each new block's transaction hashes, as a client without a subscription
/// does (so a commit is seen up to one poll late).</summary>
public sealed class GraphQLNodeAccess(LedgerClient client) : INodeAccess
{
    private static readonly TimeSpan HeadPoll = TimeSpan.FromMilliseconds(20);

    public string Name => $"public API: LedgerClient, GraphQL over HTTP ({client.Node})";

    public async Task<long> HeadHeightAsync() => (await client.GetChainAsync()).HeadHeight;

    public async Task<IReadOnlyList<SubmitResult>> SubmitAsync(byte[][] batch) =>
        (await client.SubmitRawAsync(batch)).Select(r => new SubmitResult(r.Hash, r.ErrorCode, r.Message)).ToList();

    public async Task<IReadOnlyList<BlockCommitted>> WaitForBlocksAsync(long afterHeight, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        long head;
        while ((head = await HeadHeightAsync()) <= afterHeight)
        {
            if (clock.Elapsed >= timeout) return [];
            await Task.Delay(HeadPoll);
        }
        var blocks = new List<BlockCommitted>();
        for (var h = afterHeight + 1; h <= head; h++)
        {
            var b = await client.GetBlockAsync(h) ?? throw new InvalidOperationException($"block {h} is below the head {head} but the node does not have it");
            // The public API lists a block's transactions, not the ones it excluded (those stay pending or are evicted).
            blocks.Add(new BlockCommitted(b.Height, b.Hash, b.Timestamp.ToUnixTimeMilliseconds(), b.TransactionHashes, [], []));
        }
        return blocks;
    }

    public async Task<MempoolStats> GetMempoolStatsAsync()
    {
        var m = (await client.QueryAsync("{ mempool { pending ready inFlight capacity admitted rejected } }")).GetProperty("mempool");
        return new MempoolStats(m.GetProperty("pending").GetInt32(), m.GetProperty("ready").GetInt32(), m.GetProperty("inFlight").GetInt32(),
            m.GetProperty("capacity").GetInt32(), m.GetProperty("admitted").GetInt64(), m.GetProperty("rejected").GetInt64());
    }
}
