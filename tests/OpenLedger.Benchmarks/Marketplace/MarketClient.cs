using System.Collections.Concurrent;
using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Market;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>The client side of the benchmark: nonces, signing, and the lanes of each phase. It does what a client
/// does (upload content through <see cref="IContentGrain"/>, build the transaction from the descriptor the node
/// returns, sign it), in the same process as the node.</summary>
public sealed class MarketClient(IGrainFactory grains, MarketWorkload work, int batchSize, int uploadConcurrency)
{
    private readonly Dictionary<Address, ulong> _nonces = [];
    private readonly SemaphoreSlim _uploads = new(uploadConcurrency, uploadConcurrency);

    public IContentGrain Content => grains.GetGrain<IContentGrain>(0);

    /// <summary>Contribute's and upload's own clocks, summed over the lanes (they overlap each other and the node).</summary>
    public sealed class ContributionStats
    {
        public long UploadTicks, SignTicks;
        public int Uploaded, UploadFailures;
        public readonly ConcurrentQueue<string> UploadFailureSamples = new();
        public double UploadSeconds => UploadTicks / (double)Stopwatch.Frequency;
        public double SignSeconds => SignTicks / (double)Stopwatch.Frequency;
    }

    public sealed class SettlementStats
    {
        public long SignTicks;
        public double SignSeconds => SignTicks / (double)Stopwatch.Frequency;
    }

    public ulong TakeNonce(Address a)
    {
        lock (_nonces)
        {
            var n = _nonces.GetValueOrDefault(a);
            _nonces[a] = n + 1;
            return n;
        }
    }

    /// <summary>Signs in list order: nonces are taken sequentially, then the signatures are made on all cores.</summary>
    public SignedTransaction[] SignAll(IReadOnlyList<(PrivateKey Key, ITxBody Body)> items)
    {
        var txs = items.Select(i => new Transaction(MarketWorkload.ChainId, i.Key.Address, TakeNonce(i.Key.Address), work.GasPrice, i.Body)).ToArray();
        var signed = new SignedTransaction[txs.Length];
        Parallel.For(0, txs.Length, k => signed[k] = txs[k].Sign(items[k].Key));
        return signed;
    }

    public static TxBatchToSubmit ToBatch(IReadOnlyList<SignedTransaction> txs) =>
        new([.. txs.Select(t => t.Encode())], [.. txs.Select(t => t.Hash)]);

    /// <summary>Pre-signed transactions in batches; a lane per group so each group's senders stay in order.</summary>
    public Lane Presigned(IReadOnlyList<SignedTransaction> txs)
    {
        var batches = (txs.Count + batchSize - 1) / batchSize;
        return new Lane(batches, b => Task.FromResult(ToBatch(txs.Skip(b * batchSize).Take(batchSize).ToList())));
    }

    /// <summary>Upload -> descriptor -> Contribute -> sign, batch by batch. The contributors are split into
    /// <paramref name="lanes"/> groups (whole runs each, so a sender's nonces stay in one lane). The hash of the
    /// transaction that contributes text i (its contribution id) is written to <paramref name="ids"/>[i].</summary>
    public List<Lane> ContributionLanes(IReadOnlyList<ContributorRun> runs, int lanes, Hash32 datanet, ContributionStats stats, Hash32[] ids)
    {
        var result = new List<Lane>();
        lanes = Math.Min(lanes, runs.Count);
        for (int l = 0; l < lanes; l++)
        {
            var mine = runs.Skip(runs.Count * l / lanes).Take(runs.Count * (l + 1) / lanes - runs.Count * l / lanes).ToList();
            var items = mine.SelectMany(r => Enumerable.Range(r.From, r.To - r.From).Select(i => (Text: i, r.Key))).ToList();
            var batches = (items.Count + batchSize - 1) / batchSize;
            result.Add(new Lane(batches, b => ContributeBatchAsync(items.Skip(b * batchSize).Take(batchSize).ToList(), datanet, stats, ids)));
        }
        return result;
    }

    private async Task<TxBatchToSubmit> ContributeBatchAsync(List<(int Text, PrivateKey Key)> items, Hash32 datanet, ContributionStats stats, Hash32[] ids)
    {
        var t0 = Stopwatch.GetTimestamp();
        var content = Content;
        var puts = await Task.WhenAll(items.Select(async it =>
        {
            await _uploads.WaitAsync();
            try { return await content.PutAsync(work.Texts[it.Text]); }
            finally { _uploads.Release(); }
        }));
        Interlocked.Add(ref stats.UploadTicks, Stopwatch.GetTimestamp() - t0);

        t0 = Stopwatch.GetTimestamp();
        var bodies = new List<(PrivateKey, ITxBody)>(items.Count);
        var texts = new List<int>(items.Count);
        for (int k = 0; k < items.Count; k++)
        {
            var it = items[k];
            var d = work.Digests[it.Text];
            if (puts[k].Content is not { } c)
            {
                Fail(stats, $"text {it.Text}: {puts[k].ErrorCode} {puts[k].Message}");
                continue;
            }
            if (c.Hash != d.ContentHash || c.NormalizedHash != d.NormalizedHash || c.Size != d.Size)
            {
                Fail(stats, $"text {it.Text}: the node's descriptor ({c.Hash}, {c.NormalizedHash}, {c.Size} bytes) differs from the client's digest");
                continue;
            }
            Interlocked.Increment(ref stats.Uploaded);
            // The transaction names what the node returned, as a client would.
            bodies.Add((it.Key, new Contribute(datanet, c.Hash, c.NormalizedHash, (ulong)c.Size)));
            texts.Add(it.Text);
        }
        var signed = SignAll(bodies);
        for (int k = 0; k < signed.Length; k++) ids[texts[k]] = signed[k].Hash;
        var batch = ToBatch(signed);
        Interlocked.Add(ref stats.SignTicks, Stopwatch.GetTimestamp() - t0);
        return batch;
    }

    private static void Fail(ContributionStats stats, string what)
    {
        Interlocked.Increment(ref stats.UploadFailures);
        if (stats.UploadFailureSamples.Count < 5) stats.UploadFailureSamples.Enqueue(what);
    }

    /// <summary>The upload-only pass: every text through <see cref="IContentGrain.PutAsync"/> with the same
    /// concurrency as the contributions; returns the failures.</summary>
    public async Task<(int Ok, int Failed, List<string> Samples)> UploadAllAsync(int from, int count)
    {
        var content = Content;
        int ok = 0, failed = 0;
        var samples = new ConcurrentQueue<string>();
        await Task.WhenAll(Enumerable.Range(from, count).Select(async i =>
        {
            await _uploads.WaitAsync();
            try
            {
                var r = await content.PutAsync(work.Texts[i]);
                if (r.Content is { } c && c.Hash == work.Digests[i].ContentHash) Interlocked.Increment(ref ok);
                else
                {
                    Interlocked.Increment(ref failed);
                    if (samples.Count < 5) samples.Enqueue($"text {i}: {r.ErrorCode} {r.Message}");
                }
            }
            finally { _uploads.Release(); }
        }));
        return (ok, failed, [.. samples]);
    }

    /// <summary>Settlements of <paramref name="inferences"/>, one lane per attribution operator (each a single sender
    /// signing its own nonces), every one attributing to all of <paramref name="contributions"/> with random weights.
    /// Signing happens in the lane, one batch ahead of the submission.</summary>
    public List<Lane> SettlementLanes(IReadOnlyList<Hash32> inferences, Hash32[] contributions, int seed, SettlementStats stats)
    {
        var ops = work.AttributionKeys;
        var lanes = new List<Lane>();
        for (int k = 0; k < ops.Length; k++)
        {
            var key = ops[k];
            var mine = inferences.Skip(inferences.Count * k / ops.Length).Take(inferences.Count * (k + 1) / ops.Length - inferences.Count * k / ops.Length).ToList();
            var batches = (mine.Count + batchSize - 1) / batchSize;
            lanes.Add(new Lane(batches, b =>
            {
                var t0 = Stopwatch.GetTimestamp();
                var slice = mine.Skip(b * batchSize).Take(batchSize).ToList();
                var rng = new Random(seed + k * 100_003 + b);
                var bodies = slice.Select(inference =>
                {
                    var weights = new ulong[contributions.Length];
                    for (int w = 0; w < weights.Length; w++) weights[w] = (ulong)rng.Next(1, 1_000_000);
                    return (key, (ITxBody)new SettleAttribution(inference, RandomHash(rng), contributions, weights));
                }).ToList();
                var batch = ToBatch(SignAll(bodies));
                Interlocked.Add(ref stats.SignTicks, Stopwatch.GetTimestamp() - t0);
                return Task.FromResult(batch);
            }));
        }
        return lanes;
    }

    public static Hash32 RandomHash(Random rng)
    {
        Span<byte> b = stackalloc byte[32];
        rng.NextBytes(b);
        return new Hash32(b);
    }
}
