using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OpenLedger.Benchmarks.Ledger;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>Everything the marketplace table prints.</summary>
public sealed class MarketplaceResult
{
    public required MarketplaceOptions Options { get; init; }
    public required string LoadBefore { get; init; }
    public string LoadAfter { get; set; } = "n/a";
    public RecoveryCeiling.Result? Ceiling { get; set; }
    public RecoveryCeiling.Result? CeilingAgain { get; set; }
    public RecoveryCeiling.Result? ContributeVerify { get; set; }
    public RecoveryCeiling.Result? SettleVerify { get; set; }
    public double ContributeBytes { get; set; }
    public double SettleBytes { get; set; }
    public (int Ok, int Failed, List<string> Samples) Uploads { get; set; }
    public long UploadBytes { get; set; }
    public PhaseCpu? UploadCpu { get; set; }
    public (int Count, double Seconds) DigestCompute { get; set; }
    public NodeMeters.Snapshot ContributionProducer { get; set; }
    public NodeMeters.Snapshot SettlementProducer { get; set; }
    public BulkRun? Contributions { get; set; }
    public MarketClient.ContributionStats? ContributionStats { get; set; }
    public PhaseCpu? ContributionCpu { get; set; }
    public IReadOnlyList<SeenBlock> ContributionBlocks { get; set; } = [];
    public ReceiptTally? ContributionReceipts { get; set; }
    public BulkRun? Settlements { get; set; }
    public MarketClient.SettlementStats? SettlementStats { get; set; }
    public PhaseCpu? SettlementCpu { get; set; }
    public IReadOnlyList<SeenBlock> SettlementBlocks { get; set; } = [];
    public ReceiptTally? SettlementReceipts { get; set; }
    public ((UInt128 Got, UInt128 Expected) Contributors, (UInt128 Got, UInt128 Expected) Owner, (UInt128 Got, UInt128 Expected) Treasury, bool AllContributorsPaid) RewardCheck { get; set; }
    public UInt128 SupplyAfter { get; set; }
    public UInt128 SupplyGenesis { get; set; }
    public bool StateRootMatches { get; set; }
    public long Height { get; set; }
    public int WatcherGaps { get; set; }
    public double ContributeSignMicros { get; set; }
    public double SettleSignMicros { get; set; }
    public double StopSeconds { get; set; }
    public PhaseCpu? ContributionTail { get; set; }
    public PhaseCpu? SettlementTail { get; set; }

    /// <summary>The reference: the higher of the two ceiling measurements (a higher ceiling makes every ratio stricter).</summary>
    public double CeilingPerSecond => Math.Max(Ceiling?.AllCoresPerSecond ?? double.NaN, CeilingAgain?.AllCoresPerSecond ?? double.NaN);

    public bool ContributionsOk => Contributions is { Stalled: false } c && c.Rejections.IsEmpty && ContributionStats!.UploadFailures == 0
        && ContributionReceipts!.AllSucceeded(Options.Contributions) && Uploads.Failed == 0;
    public bool SettlementsOk => Settlements is { Stalled: false } s && s.Rejections.IsEmpty && SettlementReceipts!.AllSucceeded(Options.Settlements)
        && RewardCheck.Contributors.Got == RewardCheck.Contributors.Expected && RewardCheck.Owner.Got == RewardCheck.Owner.Expected
        && RewardCheck.Treasury.Got == RewardCheck.Treasury.Expected && RewardCheck.AllContributorsPaid;
    public bool SupplyOk => SupplyAfter == SupplyGenesis && StateRootMatches;
    public bool AllGood => ContributionsOk && SettlementsOk && SupplyOk && WatcherGaps == 0;
}

/// <summary>Prints the marketplace table (measure, count, seconds, per second, ratio to the ceiling), then the checks
/// and where the time went.</summary>
public static class MarketplaceReport
{
    public static void Print(MarketplaceResult r, TimeSpan total)
    {
        var inv = CultureInfo.InvariantCulture;
        var o = r.Options;
        var ceiling = r.CeilingPerSecond;
        string Ratio(double perSecond) => double.IsNaN(perSecond) || double.IsNaN(ceiling) ? "n/a" : (perSecond / ceiling).ToString("F3", inv);
        string Num(double v, string f = "N0") => double.IsNaN(v) ? "n/a" : v.ToString(f, inv);

        Console.WriteLine();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {MachineInfo.CpuModel()}; {RuntimeInformation.OSDescription} / {RuntimeInformation.FrameworkDescription}; " +
                          $"{DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm", inv)} UTC; load average before / after: {r.LoadBefore} / {r.LoadAfter}");
        Console.WriteLine($"chain: SQLite file store, block interval {o.BlockIntervalMs} ms, in-process client; batches of {o.BatchSize}");
        Console.WriteLine();

        var rows = new List<string[]>();
        // The CPU view does not depend on what else the machine ran: process CPU per item against Verify's CPU per
        // transaction (what the ratio would be with every core ours and busy).
        var verifyMicros = r.Ceiling?.CpuMicrosPerTx ?? double.NaN;
        void Row(string measure, double count, double seconds, double perSecond, string ratio, double cpuMicros = double.NaN) =>
            rows.Add([measure, Num(count), Num(seconds, "F2"), Num(perSecond), ratio,
                double.IsNaN(cpuMicros) ? "" : $"{cpuMicros:N0} us ({verifyMicros / cpuMicros:F3})"]);

        if (r.Ceiling is { } c)
        {
            Row($"recovery ceiling: Verify on transfers, all cores (best of {c.Rounds}; median {Num(c.MedianPerSecond)})", c.Verified + c.Failed, c.Elapsed.TotalSeconds, c.AllCoresPerSecond,
                ceiling == c.AllCoresPerSecond ? "1 (reference)" : Ratio(c.AllCoresPerSecond), c.CpuMicrosPerTx);
            rows.Add(["  one core", "", "", Num(c.OneCorePerSecond), "", ""]);
        }
        if (r.CeilingAgain is { } c2)
            Row($"  again, before the settlements (best of {c2.Rounds})", c2.Verified + c2.Failed, c2.Elapsed.TotalSeconds, c2.AllCoresPerSecond,
                ceiling == c2.AllCoresPerSecond ? "1 (reference)" : Ratio(c2.AllCoresPerSecond));
        if (r.ContributeVerify is { } cv)
            Row($"  Verify alone on the Contribute txs ({r.ContributeBytes:N0} B)", cv.Verified + cv.Failed, cv.Elapsed.TotalSeconds, cv.AllCoresPerSecond, Ratio(cv.AllCoresPerSecond), cv.CpuMicrosPerTx);
        if (r.SettleVerify is { } sv)
            Row($"  Verify alone on the SettleAttribution txs ({r.SettleBytes:N0} B)", sv.Verified + sv.Failed, sv.Elapsed.TotalSeconds, sv.AllCoresPerSecond, Ratio(sv.AllCoresPerSecond), sv.CpuMicrosPerTx);
        if (r.UploadCpu is { } u)
            Row($"uploads alone (IContentGrain.PutAsync, {o.UploadConcurrency} in flight, {r.UploadBytes / (double)Math.Max(1, r.Uploads.Ok + r.Uploads.Failed):N0} B avg)",
                r.Uploads.Ok, u.WallSeconds, r.Uploads.Ok / u.WallSeconds, Ratio(r.Uploads.Ok / u.WallSeconds), u.MicrosPer(r.Uploads.Ok));
        if (r.DigestCompute.Count > 0)
            Row("  content hashes + normal form + MinHash alone, all cores", r.DigestCompute.Count, r.DigestCompute.Seconds,
                r.DigestCompute.Count / r.DigestCompute.Seconds, Ratio(r.DigestCompute.Count / r.DigestCompute.Seconds));
        if (r.Contributions is { } cr)
        {
            Row("contributions incl. upload (first upload -> last commit)", cr.Committed, cr.Seconds, cr.PerSecond, Ratio(cr.PerSecond),
                r.ContributionCpu?.MicrosPer(cr.Committed) ?? double.NaN);
            Row("  sustained (10% -> 90% of commits)", double.NaN, double.NaN, cr.SustainedPerSecond, Ratio(cr.SustainedPerSecond));
        }
        if (r.Settlements is { } sr)
        {
            var credits = sr.Committed * (double)(o.Attributions + 2);
            Row($"settlements x {o.Attributions} contributors (first signature -> last commit)", sr.Committed, sr.Seconds, sr.PerSecond, Ratio(sr.PerSecond),
                r.SettlementCpu?.MicrosPer(sr.Committed) ?? double.NaN);
            Row("  sustained (10% -> 90% of commits)", double.NaN, double.NaN, sr.SustainedPerSecond, Ratio(sr.SustainedPerSecond));
            Row($"reward credits ({o.Attributions} contributors + owner + protocol per settlement)", credits, sr.Seconds, credits / sr.Seconds, Ratio(credits / sr.Seconds),
                r.SettlementCpu is { } scpu ? scpu.ProcessCpu.TotalMilliseconds * 1000 / credits : double.NaN);
        }
        PrintTable(["measure", "count", "seconds", "per second", "ratio to ceiling", "CPU per item (ratio)"], rows, rightAlign: [false, true, true, true, true, true]);
        Console.WriteLine($"ceiling = {Num(ceiling)} tx/s: the higher of the two measurements (Verify only: decode, EIP-712 hash, secp256k1 recovery).");
        Console.WriteLine("CPU per item: this process's CPU time (node and client) per item over the phase; in brackets Verify's CPU per transfer divided");
        Console.WriteLine("by it: the ratio with every core ours and busy, which other load on the machine does not move (the wall-clock ratio it does).");
        Console.WriteLine();

        var d = new List<string[]>();
        void Detail(string metric, string result, string check = "") => d.Add([metric, result, check]);
        string Ok(bool ok) => ok ? "ok" : "FAILED";
        if (r.Uploads.Failed > 0) Detail("upload-only pass failures", $"{r.Uploads.Failed}: {string.Join("; ", r.Uploads.Samples)}", "FAILED");
        if (r.UploadCpu is { } uc)
        {
            Detail("uploads alone: MB/s, CPU per upload", $"{r.UploadBytes / uc.WallSeconds / 1e6:F2} MB/s, {uc.MicrosPer(r.Uploads.Ok):N0} us", "");
            Detail("  CPU this process / others / idle", uc.Describe());
        }
        if (r.Contributions is { } cn && r.ContributionStats is { } cs && r.ContributionCpu is { } cc)
        {
            Detail("contributions: submitted / accepted / committed", $"{cn.Submitted:N0} / {cn.Accepted:N0} / {cn.Committed:N0} (excluded {cn.Excluded:N0})",
                Ok(cn.Committed == o.Contributions && cn.Excluded == 0));
            Detail("  rejected at submission", cn.Rejections.IsEmpty ? "none" : $"{string.Join(", ", cn.Rejections.Select(kv => $"{kv.Key} {kv.Value:N0}"))}: {string.Join("; ", cn.RejectionSamples)}",
                Ok(cn.Rejections.IsEmpty));
            Detail("  upload failures", cs.UploadFailures == 0 ? "none" : $"{cs.UploadFailures}: {string.Join("; ", cs.UploadFailureSamples)}", Ok(cs.UploadFailures == 0));
            Detail("  receipts (read back from the store)", r.ContributionReceipts!.Describe() + Samples(r.ContributionReceipts), Ok(r.ContributionReceipts.AllSucceeded(o.Contributions)));
            Detail("  client time in uploads / signing / SubmitAsync (summed over lanes)",
                $"{cs.UploadSeconds:F1} / {cs.SignSeconds:F1} / {cn.SubmitTicks / (double)Stopwatch.Frequency:F1} s of {cn.Seconds:F1} s wall x {o.ContributionLanes} lanes");
            Detail("  CPU per contribution (whole process) / this process / others / idle", $"{cc.MicrosPer(cn.Committed):N0} us; {cc.Describe()}");
            Detail("  of which the client's signing (measured alone, all cores)", $"{r.ContributeSignMicros:N0} us per Contribute (build, EIP-712 digest, ECDSA, encode)");
            Detail("  producer: execute + sign + commit, summed (share of wall) / max block", Producer(r.ContributionProducer, cn.Seconds, cn.Committed));
            Detail("  commit latency p50 / p99 / max (submit -> seen)", $"{Num(cn.Percentile(0.5))} / {Num(cn.Percentile(0.99))} / {Num(cn.LatenciesMs.LastOrDefault(double.NaN))} ms");
            BlockLines(d, r.ContributionBlocks, o.BlockIntervalMs);
            Detail("  GC gen0/1/2, pause", $"{cc.Gen0}/{cc.Gen1}/{cc.Gen2}, {cc.GcPause.TotalMilliseconds:N0} ms");
            if (r.ContributionTail is { } ct) Detail("  the 3 s after the last commit (nothing pending): CPU, GC gen2", Tail(ct));
        }
        if (r.Settlements is { } st && r.SettlementStats is { } ss && r.SettlementCpu is { } sc)
        {
            Detail("settlements: submitted / accepted / committed", $"{st.Submitted:N0} / {st.Accepted:N0} / {st.Committed:N0} (excluded {st.Excluded:N0})",
                Ok(st.Committed == o.Settlements && st.Excluded == 0));
            Detail("  rejected at submission", st.Rejections.IsEmpty ? "none" : $"{string.Join(", ", st.Rejections.Select(kv => $"{kv.Key} {kv.Value:N0}"))}: {string.Join("; ", st.RejectionSamples)}",
                Ok(st.Rejections.IsEmpty));
            Detail("  receipts (read back from the store)", r.SettlementReceipts!.Describe() + Samples(r.SettlementReceipts), Ok(r.SettlementReceipts.AllSucceeded(o.Settlements)));
            var rc = r.RewardCheck;
            Detail("  paid to the 100 contributors / owner / treasury (OPEN)",
                $"{Open(rc.Contributors.Got)} / {Open(rc.Owner.Got)} / {Open(rc.Treasury.Got)} (expected {Open(rc.Contributors.Expected)} / {Open(rc.Owner.Expected)} / {Open(rc.Treasury.Expected)}); every contributor paid: {rc.AllContributorsPaid}",
                Ok(rc.Contributors.Got == rc.Contributors.Expected && rc.Owner.Got == rc.Owner.Expected && rc.Treasury.Got == rc.Treasury.Expected && rc.AllContributorsPaid));
            Detail("  client time signing / SubmitAsync (summed over lanes)",
                $"{ss.SignSeconds:F1} / {st.SubmitTicks / (double)Stopwatch.Frequency:F1} s of {st.Seconds:F1} s wall");
            Detail("  CPU per settlement (whole process) / this process / others / idle", $"{sc.MicrosPer(st.Committed):N0} us; {sc.Describe()}");
            Detail("  of which the client's signing (measured alone, all cores)", $"{r.SettleSignMicros:N0} us per SettleAttribution (build, EIP-712 digest, ECDSA, encode)");
            Detail("  producer: execute + sign + commit, summed (share of wall) / max block", Producer(r.SettlementProducer, st.Seconds, st.Committed));
            Detail("  commit latency p50 / p99 / max (submit -> seen)", $"{Num(st.Percentile(0.5))} / {Num(st.Percentile(0.99))} / {Num(st.LatenciesMs.LastOrDefault(double.NaN))} ms");
            BlockLines(d, r.SettlementBlocks, o.BlockIntervalMs);
            Detail("  GC gen0/1/2, pause", $"{sc.Gen0}/{sc.Gen1}/{sc.Gen2}, {sc.GcPause.TotalMilliseconds:N0} ms");
            if (r.SettlementTail is { } tt) Detail("  the 3 s after the last commit (nothing pending): CPU, GC gen2", Tail(tt));
        }
        Detail("supply after reload (SqlLedgerStore.LoadStateAsync -> TotalSupply) = genesis supply",
            $"{Open(r.SupplyAfter)} = {Open(r.SupplyGenesis)} OPEN at height {r.Height}; state root matches the head: {r.StateRootMatches}", Ok(r.SupplyOk));
        if (r.WatcherGaps > 0) Detail("block notifications missed", r.WatcherGaps.ToString(inv), "FAILED");
        Detail("node stop (graceful, cut at 5 s)", $"{r.StopSeconds:F1} s");
        Detail("benchmark total time", $"{total.TotalSeconds:F0} s");
        PrintTable(["check / where the time went", "result", "check"], d, rightAlign: [false, false, false]);
        Console.WriteLine();
        var busy = new[] { ("uploads", r.UploadCpu), ("contributions", r.ContributionCpu), ("settlements", r.SettlementCpu) }
            .Where(p => p.Item2 is { } c && c.Shares.Others > 0.10).Select(p => $"{p.Item1} {p.Item2!.Shares.Others:P0}").ToList();
        if (busy.Count > 0)
            Console.WriteLine($"NOTE: other processes took {string.Join(", ", busy)} of the machine's CPU during those phases: their rates and " +
                              "wall-clock ratios are distorted by it (the ceiling was measured at other moments); the CPU-per-item ratios much less so.");
        Console.WriteLine(r.AllGood ? "all contributions and settlements committed and succeeded; supply conserved."
                                    : "SOME CHECKS FAILED: see the table above.");
    }

    private static void BlockLines(List<string[]> d, IReadOnlyList<SeenBlock> blocks, int intervalMs)
    {
        if (blocks.Count == 0) return;
        var gaps = blocks.Zip(blocks.Skip(1), (a, b) => (double)(b.TimestampMs - a.TimestampMs)).ToList();
        d.Add(["  blocks, txs per block avg / max", $"{blocks.Count} blocks, {blocks.Average(b => b.Included):N0} / {blocks.Max(b => b.Included):N0}", ""]);
        d.Add(["  time between blocks (header timestamps) mean / max", gaps.Count == 0 ? "n/a" : $"{gaps.Average():N0} / {gaps.Max():N0} ms (interval {intervalMs} ms)", ""]);
    }

    private static string Producer(NodeMeters.Snapshot p, double wallSeconds, int txs) => p.Blocks == 0 ? "n/a" :
        $"{p.CommitMs / 1000:F2} s in {p.Blocks} blocks ({p.CommitMs / 1000 / wallSeconds:P0} of the wall time; {p.CommitMs * 1000 / Math.Max(1, txs):N0} us per tx) / {p.MaxCommitMs:N0} ms";

    private static string Tail(PhaseCpu t) =>
        $"{t.ProcessCpu.TotalSeconds:F2} s of CPU ({t.Shares.Ours:P0} of {PhaseCpu.Cores} cores), {t.Gen2} gen2, {t.GcPause.TotalMilliseconds:N0} ms GC pause";

    private static string Samples(ReceiptTally t) => t.Samples.Count == 0 ? "" : " e.g. " + string.Join("; ", t.Samples);

    private static string Open(UInt128 wei)
    {
        var whole = wei / Core.Money.Wei.OneOpen;
        var frac = (ulong)(wei % Core.Money.Wei.OneOpen) / 1_000_000_000_000UL; // 6 decimals
        return $"{whole.ToString("N0", CultureInfo.InvariantCulture)}.{frac:D6}";
    }

    private static void PrintTable(string[] header, List<string[]> rows, bool[] rightAlign)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((c, i) => rightAlign[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))) + " |";
        Console.WriteLine(Line(header));
        Console.WriteLine("|" + string.Join("|", widths.Select((w, i) => rightAlign[i] ? new string('-', w + 1) + ":" : new string('-', w + 2))) + "|");
        foreach (var row in rows) Console.WriteLine(Line(row));
    }
}
