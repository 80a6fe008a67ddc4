using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Orleans;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Benchmarks.GraphQL;

/// <summary>Command-line options; <c>--quick</c> shrinks every phase for a run under a minute.</summary>
public sealed record Options(bool Quick, int BlockIntervalMs, int Accounts, int Transactions, int BatchSize, int SubmitWorkers,
    int Clients, int FanoutBlocks, int QueryWorkers, TimeSpan QueryWarmup, TimeSpan QueryDuration, int WarmupAccounts)
{
    public static Options Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        int Int(string name, int dflt)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : dflt;
        }
        return new Options(
            quick,
            BlockIntervalMs: Int("--block-interval-ms", quick ? 250 : 1000),
            Accounts: Int("--accounts", quick ? 400 : 2_000),
            Transactions: Int("--txs", quick ? 4_000 : 20_000),
            BatchSize: Int("--batch", 500),
            SubmitWorkers: Int("--submit-workers", 4),
            Clients: Int("--clients", quick ? 200 : 1_000),
            FanoutBlocks: Int("--blocks", quick ? 5 : 10),
            QueryWorkers: Int("--query-workers", 16),
            QueryWarmup: TimeSpan.FromSeconds(Int("--query-warmup-s", quick ? 1 : 3)),
            QueryDuration: TimeSpan.FromSeconds(Int("--query-s", quick ? 3 : 10)),
            WarmupAccounts: quick ? 100 : 200);
    }
}

public static class Machine
{
    public static string Describe() =>
        $"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()} {RuntimeInformation.OSArchitecture}, " +
        $"{RuntimeInformation.FrameworkDescription}; date {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; server GC {System.Runtime.GCSettings.IsServerGC}; load average {LoadAverage()}";

    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;
}

/// <summary>Percentiles over a sample of milliseconds.</summary>
public sealed class Distribution
{
    private readonly double[] _sorted;
    public Distribution(IEnumerable<double> values) { _sorted = values.ToArray(); Array.Sort(_sorted); }
    public int Count => _sorted.Length;
    public double P(double q) => _sorted.Length == 0 ? double.NaN : _sorted[Math.Min(_sorted.Length - 1, (int)Math.Ceiling(q * _sorted.Length) - 1 < 0 ? 0 : (int)Math.Ceiling(q * _sorted.Length) - 1)];
    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];
    public IReadOnlyList<double> All => _sorted;
    public double Mean => _sorted.Length == 0 ? double.NaN : _sorted.Average();
}

/// <summary>Prints a table: a title, the machine line, then aligned rows.</summary>
public sealed class Table(string title)
{
    private readonly List<string[]> _rows = [];
    public Table Row(params string[] cells) { _rows.Add(cells); return this; }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}");
        Console.WriteLine($"   {Machine.Describe()}");
        var widths = Enumerable.Range(0, _rows.Max(r => r.Length)).Select(c => _rows.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        for (int i = 0; i < _rows.Count; i++)
        {
            Console.WriteLine("   " + string.Join(" | ", _rows[i].Select((c, k) => k == 0 ? c.PadRight(widths[k]) : c.PadLeft(widths[k]))).TrimEnd());
            if (i == 0) Console.WriteLine("   " + string.Join("-+-", widths.Select(w => new string('-', w))));
        }
    }
}

/// <summary>An in-process follower of the chain grain's long-poll: records, for each committed block, the moment this
/// process learned of it (the reference "commit time" for subscription delays) and how many transactions it held.</summary>
public sealed class ChainFollower : IAsyncDisposable
{
    public sealed record Seen(long Height, long SeenTicks, long TimestampMs, int Included);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    public ConcurrentDictionary<long, Seen> Blocks { get; } = new();
    public long Head { get; private set; }
    private long _included;
    public long IncludedTotal => Interlocked.Read(ref _included);
    public long LastBlockTicks { get; private set; } = Stopwatch.GetTimestamp();

    public ChainFollower(IGrainFactory grains, long fromHeight)
    {
        Head = fromHeight;
        var chain = grains.GetGrain<IChainGrain>(0);
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                IReadOnlyList<BlockCommitted> blocks;
                try { blocks = await chain.WaitForBlocksAsync(Head, TimeSpan.FromSeconds(5)); }
                catch when (_stop.IsCancellationRequested) { return; }
                var now = Stopwatch.GetTimestamp();
                foreach (var b in blocks)
                {
                    if (b.Height <= Head) continue;
                    Blocks[b.Height] = new Seen(b.Height, now, b.TimestampMs, b.Included.Count);
                    Interlocked.Add(ref _included, b.Included.Count);
                    Head = b.Height;
                    LastBlockTicks = now;
                }
            }
        });
    }

    public async Task WaitForHeightAsync(long height, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (Head < height)
        {
            if (sw.Elapsed > timeout) throw new TimeoutException($"chain did not reach height {height} (at {Head})");
            await Task.Delay(20);
        }
    }

    public async Task WaitForIncludedAsync(long total, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (IncludedTotal < total)
        {
            if (sw.Elapsed > timeout) throw new TimeoutException($"only {IncludedTotal} of {total} transactions committed");
            await Task.Delay(5);
        }
    }

    /// <summary>Waits until no block has been seen for <paramref name="quiet"/>.</summary>
    public async Task WaitQuietAsync(TimeSpan quiet)
    {
        while (Stopwatch.GetElapsedTime(LastBlockTicks) < quiet) await Task.Delay(50);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _loop.WaitAsync(TimeSpan.FromSeconds(6)); } catch (TimeoutException) { }
    }
}
