using System.Collections.Concurrent;
using System.Diagnostics;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Benchmarks.Ledger;

/// <summary>The machine's ceiling for admitting transactions: <see cref="TransactionVerifier.Verify"/> (decode,
/// EIP-712 hash, secp256k1 recovery, signer check) over every pre-signed transaction on all cores, doing nothing else.
/// No node can admit signed transactions faster than this on the same cores. The transactions are verified in
/// several rounds and the best round is the ceiling: on a machine shared with other work, a round that ran beside
/// someone's build says less about the machine than the best one (and a higher ceiling makes the ratio stricter).</summary>
public static class RecoveryCeiling
{
    public sealed record Result(double AllCoresPerSecond, double MedianPerSecond, double OneCorePerSecond, int Rounds,
        int Verified, int Failed, TimeSpan Elapsed, TimeSpan Cpu, IReadOnlyList<double> AdjustedRates)
    {
        /// <summary>Process CPU time per verification while all cores verified: the cost of admission alone.</summary>
        public double CpuMicrosPerTx => Cpu.TotalMilliseconds * 1000 / (Verified + Failed);
    }

    public static Result Measure(byte[][] raw, ulong chainId, int maxBytes, int rounds = 5, bool oneCore = true)
    {
        // Warm up (JIT, tiering, per-thread digests) on a small slice, on every core.
        var warm = Math.Min(raw.Length, 2_000);
        Parallel.For(0, warm, i => TransactionVerifier.Verify(raw[i], chainId, maxBytes, out _));

        // One core: a slice on this thread only (for the report: per-core rate x cores vs. the all-core rate).
        var single = oneCore ? Math.Min(raw.Length, 3_000) : 0;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < single; i++) TransactionVerifier.Verify(raw[i], chainId, maxBytes, out _);
        var oneCoreRate = oneCore ? single / sw.Elapsed.TotalSeconds : double.NaN;

        // All cores, in rounds over consecutive slices; each round in contiguous ranges (no per-item scheduling cost).
        int ok = 0, failed = 0;
        var rates = new List<double>();
        var adjusted = new List<double>();
        var process = Process.GetCurrentProcess();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var total = Stopwatch.StartNew();
        var per = (raw.Length + rounds - 1) / rounds;
        for (int from = 0; from < raw.Length; from += per)
        {
            var to = Math.Min(raw.Length, from + per);
            var ranges = Partitioner.Create(from, to, Math.Max(128, (to - from) / (Environment.ProcessorCount * 16)));
            var machine0 = MachineCpu.Read();
            process.Refresh();
            var ours0 = process.TotalProcessorTime;
            sw.Restart();
            Parallel.ForEach(ranges, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, range =>
            {
                int good = 0, bad = 0;
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    if (TransactionVerifier.Verify(raw[i], chainId, maxBytes, out _).IsError) bad++;
                    else good++;
                }
                Interlocked.Add(ref ok, good);
                Interlocked.Add(ref failed, bad);
            });
            var rate = (to - from) / sw.Elapsed.TotalSeconds;
            process.Refresh();
            rates.Add(rate);
            // The rate had the machine's cores been ours alone (see MachineCpu.AvailableShare).
            adjusted.Add(rate / (MachineCpu.Read() - machine0).AvailableShare(process.TotalProcessorTime - ours0));
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        rates.Sort();
        return new Result(rates[^1], rates[rates.Count / 2], oneCoreRate, rates.Count, ok, failed, total.Elapsed, cpu, adjusted);
    }
}
