using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Benchmarks.Ledger;
using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Ledger;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>The marketplace benchmark, in one process: a node on the embedded store, then (1) contributions including
/// the content upload and (2) settlements attributing each inference's fee to 100 contributions, each as a rate and
/// as a ratio to the machine's signature-recovery ceiling measured in the same run (the ledger mode's measurement).</summary>
public static class MarketplaceBenchmark
{
    public static readonly Wei FeePerKb = new(10_000_000_000_000_000UL); // 0.01 OPEN per started KiB
    public static readonly Wei Stake = Wei.FromOpen(1);
    public static readonly Wei Price = Wei.FromOpen(1);
    public const ushort OwnerBps = 2_000, ContributorsBps = 7_000, ProtocolBps = 1_000;
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(MarketplaceOptions o)
    {
        var total = Stopwatch.StartNew();
        var loadBefore = MachineInfo.LoadAverage();
        Console.WriteLine($"marketplace benchmark: {o.Contributions:N0} contributions from {o.Contributors:N0} contributors, " +
                          $"{o.Settlements:N0} settlements x {o.Attributions} attributions, block interval {o.BlockIntervalMs} ms" +
                          $" (load average before start: {loadBefore})");

        Console.Write("  workload: keys, genesis, texts, ceiling transfers ... ");
        var work = MarketWorkload.Create(o);
        Console.WriteLine($"{work.BuildTime.TotalSeconds:F1} s ({work.Texts.Length:N0} texts, {work.Texts.Average(t => t.Length):N0} bytes avg, " +
                          $"{work.Genesis.DevAccounts!.Count:N0} dev accounts)");

        var rules = work.Rules;
        var dir = Path.Combine(Path.GetTempPath(), $"openledger-market-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var genesisPath = Path.Combine(dir, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, work.Genesis.ToJson());
        var connection = $"Data Source={Path.Combine(dir, "openledger.db")};Pooling=True;Default Timeout=30";
        var settings = new NodeSettings(StorageBackend.Sqlite, connection, dir, genesisPath, FreePort(), FreePort(),
            ProducerKeyHex: null, ProduceEmptyBlocks: false, MempoolCapacity: 200_000, HttpPort: FreePort());

        using var meters = new NodeMeters();
        Console.Write($"  node: starting in-process on SQLite ({dir}) ... ");
        var sw = Stopwatch.StartNew();
        var (host, node, _) = await NodeHost.BuildAsync(settings);
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IClusterClient>();
        Console.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s");

        var r = new MarketplaceResult
        {
            Options = o, LoadBefore = loadBefore, ContributeSignMicros = work.ContributeSignMicros, SettleSignMicros = work.SettleSignMicros,
        };
        var watcher = new ChainWatcher(grains.GetGrain<IChainGrain>(0));
        try
        {
            await watcher.StartAsync();
            var driver = new BulkDriver(grains, watcher);
            var client = new MarketClient(grains, work, o.BatchSize, o.UploadConcurrency);

            async Task<BulkRun> SetupAsync(string what, IReadOnlyList<Lane> lanes)
            {
                Console.Write($"  setup: {what} ... ");
                var t = Stopwatch.StartNew();
                var run = await driver.RunAsync(lanes);
                var receipts = await ReceiptCheck.CheckAsync(node.Store, run.Heights, run.AcceptedHashes);
                Console.WriteLine($"{run.Committed:N0} committed in {t.Elapsed.TotalSeconds:F1} s");
                if (run.Stalled || !run.Rejections.IsEmpty || !receipts.AllSucceeded(run.Submitted))
                    throw new InvalidOperationException($"setup step '{what}' failed: {run.Submitted:N0} submitted, rejected " +
                        $"{string.Join(", ", run.Rejections.Select(kv => $"{kv.Key} {kv.Value}"))} {string.Join("; ", run.RejectionSamples)}; " +
                        $"receipts {receipts.Describe()} {string.Join("; ", receipts.Samples)}{(run.Stalled ? "; STALLED" : "")}");
                return run;
            }

            // ---- The datanet (fee per KiB and a stake, so every contribution moves money) ----
            var create = client.SignAll([(work.Owner, new CreateDatanet("Field notes: British wildlife",
                "Observations, survey results and habitat advice from volunteer naturalists.", ["ecology", "field-notes", "en"], "CC-BY-4.0",
                TaskKind.Text, FeePerKb, Stake, ForfeitRule.Owner, []))]);
            var datanet = create[0].Hash;
            await SetupAsync("CreateDatanet (0.01 OPEN per KiB, 1 OPEN stake)", [client.Presigned(create)]);

            // ---- Warm-up: the whole contribution path on other accounts and texts, then let tiering settle ----
            var ids = new Hash32[work.Texts.Length];
            if (work.WarmupContributors.Length > 0 && o.WarmupContributions > 0)
            {
                Console.Write($"  warm-up: {o.WarmupContributions:N0} contributions (upload + sign + submit) from {work.WarmupContributors.Length:N0} other accounts ... ");
                sw.Restart();
                var warm = await driver.RunAsync(client.ContributionLanes(work.WarmupContributors, o.ContributionLanes, datanet, new(), ids));
                await MachineInfo.JitSettledAsync();
                Console.WriteLine($"{warm.Committed:N0} committed in {sw.Elapsed.TotalSeconds:F1} s");
            }

            // ---- The reference: signature recovery on all cores (the ledger mode's measurement, on transfers) ----
            Console.Write("  recovery ceiling: TransactionVerifier.Verify on all cores ... ");
            r.Ceiling = RecoveryCeiling.Measure(work.CeilingTransfers, rules.ChainId, rules.MaxTransactionBytes);
            Console.WriteLine($"best of {r.Ceiling.Rounds} rounds {r.Ceiling.AllCoresPerSecond:N0} tx/s (median {r.Ceiling.MedianPerSecond:N0}; " +
                              $"{r.Ceiling.OneCorePerSecond:N0} on one core), {r.Ceiling.Failed} failed");
            if (r.Ceiling.Failed > 0) throw new InvalidOperationException("pre-signed transfers failed verification: the workload is broken");
            // The same Verify on the two measured kinds (same shapes, never submitted): each kind's own admission ceiling.
            Console.Write("  Verify alone on Contribute and SettleAttribution transactions ... ");
            r.ContributeVerify = RecoveryCeiling.Measure(work.SampleContributes, rules.ChainId, rules.MaxTransactionBytes, rounds: 3, oneCore: false);
            r.SettleVerify = RecoveryCeiling.Measure(work.SampleSettlements, rules.ChainId, rules.MaxTransactionBytes, rounds: 3, oneCore: false);
            r.ContributeBytes = work.SampleContributes.Average(x => x.Length);
            r.SettleBytes = work.SampleSettlements.Average(x => x.Length);
            Console.WriteLine($"{r.ContributeVerify.AllCoresPerSecond:N0} / {r.SettleVerify.AllCoresPerSecond:N0} tx/s");
            if (r.ContributeVerify.Failed + r.SettleVerify.Failed > 0) throw new InvalidOperationException("sample transactions failed verification: the workload is broken");

            // ---- Uploads alone ----
            Console.Write($"  uploads alone: {o.Uploads:N0} texts through IContentGrain.PutAsync, {o.UploadConcurrency} in flight ... ");
            var meter = new PhaseMeter();
            var up = await client.UploadAllAsync(work.UploadsFrom, o.Uploads);
            r.UploadCpu = meter.Stop();
            r.Uploads = (up.Ok, up.Failed, up.Samples);
            r.UploadBytes = work.Texts.Skip(work.UploadsFrom).Take(o.Uploads).Sum(t => (long)t.Length);
            Console.WriteLine($"{r.UploadCpu.WallSeconds:F1} s ({up.Ok / r.UploadCpu.WallSeconds:N0}/s), {up.Failed} failed");
            // What an upload computes before it reaches the database (content hash, normal form and its hash, MinHash
            // signature), on all cores with nothing else: the upload path's compute ceiling.
            r.DigestCompute = MeasureDigests(work.Texts.AsSpan(work.UploadsFrom, o.Uploads).ToArray());

            // ---- Contributions including the upload (timed: first upload -> last commit) ----
            Console.Write($"  contributions: {o.Contributions:N0} (upload, sign, submit in batches of {o.BatchSize}, {o.ContributionLanes} lanes) ... ");
            r.ContributionStats = new MarketClient.ContributionStats();
            meters.ResetMax();
            var producer0 = meters.Read();
            meter = new PhaseMeter();
            r.Contributions = await driver.RunAsync(client.ContributionLanes(work.Contributors, o.ContributionLanes, datanet, r.ContributionStats, ids));
            r.ContributionCpu = meter.Stop();
            r.ContributionProducer = meters.Read() - producer0;
            r.ContributionBlocks = watcher.BlocksBetween(r.Contributions.StartTicks, r.Contributions.LastCommitTicks).Where(b => b.Included > 0).ToList();
            r.ContributionReceipts = await ReceiptCheck.CheckAsync(node.Store, r.Contributions.Heights, r.Contributions.AcceptedHashes);
            Console.WriteLine($"{r.Contributions.Committed:N0} committed in {r.Contributions.Seconds:F1} s ({r.Contributions.PerSecond:N0}/s); " +
                              $"receipts: {r.ContributionReceipts.Describe()}");
            r.ContributionTail = await TailAsync();

            // ---- Settlement setup (not timed): approve 100 contributions of 100 contributors, version, model, inferences ----
            var attributed = work.Contributors.Take(o.Attributions).Select(run => ids[run.From]).ToArray();
            if (attributed.Any(id => id == Hash32.Zero)) throw new InvalidOperationException("a contribution to attribute to was never signed");
            var ownerTxs = client.SignAll([
                .. attributed.Select(id => (work.Owner, (ITxBody)new Curate(id, true, "accurate, well sourced field notes"))),
                (work.Owner, new PublishVersion(datanet)),
            ]);
            await SetupAsync($"Curate x {attributed.Length} (approve) + PublishVersion", [client.Presigned(ownerTxs)]);
            var version = DatanetVersion.IdOf(datanet, 1);
            var rng = new Random(7);
            var register = client.SignAll([(work.Owner, new RegisterModel("fieldnotes-lora-7b", "openledger-base-1", MarketClient.RandomHash(rng), [version],
                MarketClient.RandomHash(rng), Price, OwnerBps, ContributorsBps, ProtocolBps))]);
            var model = register[0].Hash;
            await SetupAsync("RegisterModel (1 OPEN per inference: 20% owner, 70% contributors, 10% protocol)", [client.Presigned(register)]);

            var requests = o.WarmupSettlements + o.Settlements;
            var requestTxs = client.SignAll(Enumerable.Range(0, requests)
                .Select(i => (work.Callers[i / MarketWorkload.RequestsPerCaller], (ITxBody)new RequestInference(model, MarketClient.RandomHash(rng), Price))).ToList());
            var inferences = requestTxs.Select(t => t.Hash).ToArray();
            var callerLanes = Math.Min(4, work.Callers.Length);
            await SetupAsync($"RequestInference x {requests:N0} from {work.Callers.Length} callers",
                Enumerable.Range(0, callerLanes).Select(l => client.Presigned(requestTxs
                    .Where((_, i) => i / MarketWorkload.RequestsPerCaller % callerLanes == l).ToList())).ToList());
            var posts = work.ServingKeys.Select((key, k) => client.SignAll(inferences.Where((_, i) => i % work.ServingKeys.Length == k)
                .Select(id => (key, (ITxBody)new PostResult(id, MarketClient.RandomHash(rng)))).ToList())).ToList();
            await SetupAsync($"PostResult x {requests:N0} by {work.ServingKeys.Length} serving operators", posts.Select(client.Presigned).ToList());

            if (o.WarmupSettlements > 0)
            {
                Console.Write($"  warm-up: {o.WarmupSettlements:N0} settlements ... ");
                sw.Restart();
                var warm = await driver.RunAsync(client.SettlementLanes(inferences[..o.WarmupSettlements], attributed, 1, new()), laneWindow: 1_000);
                var warmReceipts = await ReceiptCheck.CheckAsync(node.Store, warm.Heights, warm.AcceptedHashes);
                await MachineInfo.JitSettledAsync();
                Console.WriteLine($"{warm.Committed:N0} committed in {sw.Elapsed.TotalSeconds:F1} s; receipts: {warmReceipts.Describe()}");
            }

            // The ceiling again, right before the settlements (the machine is shared: its load moves); the higher counts.
            Console.Write("  recovery ceiling again, before the settlements ... ");
            r.CeilingAgain = RecoveryCeiling.Measure(work.CeilingTransfers, rules.ChainId, rules.MaxTransactionBytes, rounds: 3, oneCore: false);
            Console.WriteLine($"best of {r.CeilingAgain.Rounds} rounds {r.CeilingAgain.AllCoresPerSecond:N0} tx/s");

            // ---- Settlements (timed: first signature -> last commit) ----
            var watched = attributed.Select(id => work.Contributors.First(c => ids[c.From] == id).Key.Address)
                .Append(work.Owner.Address).Append(work.Treasury.Address).ToList();
            var before = await node.Store.GetAccountsAsync(watched);
            Console.Write($"  settlements: {o.Settlements:N0} x {attributed.Length} attributions by {work.AttributionKeys.Length} attribution operator(s) ... ");
            r.SettlementStats = new MarketClient.SettlementStats();
            meters.ResetMax();
            producer0 = meters.Read();
            meter = new PhaseMeter();
            r.Settlements = await driver.RunAsync(client.SettlementLanes(inferences[o.WarmupSettlements..], attributed, 2, r.SettlementStats), laneWindow: 1_000);
            r.SettlementCpu = meter.Stop();
            r.SettlementProducer = meters.Read() - producer0;
            r.SettlementBlocks = watcher.BlocksBetween(r.Settlements.StartTicks, r.Settlements.LastCommitTicks).Where(b => b.Included > 0).ToList();
            r.SettlementReceipts = await ReceiptCheck.CheckAsync(node.Store, r.Settlements.Heights, r.Settlements.AcceptedHashes);
            Console.WriteLine($"{r.Settlements.Committed:N0} committed in {r.Settlements.Seconds:F1} s ({r.Settlements.PerSecond:N0}/s); " +
                              $"receipts: {r.SettlementReceipts.Describe()}");
            r.SettlementTail = await TailAsync();

            // Where the money went: exactly the split of each escrow.
            var after = await node.Store.GetAccountsAsync(watched);
            var shares = FeeSplit.Split(Price, [ProtocolBps, OwnerBps, ContributorsBps]);
            var m = (ulong)r.SettlementReceipts.Succeeded;
            UInt128 Delta(Address a) => after[a].Balance.Value - (before.TryGetValue(a, out var s) ? s.Balance.Value : 0);
            UInt128 contributorsGot = 0;
            foreach (var a in watched.Take(attributed.Length)) contributorsGot += Delta(a);
            r.RewardCheck = (
                Contributors: (contributorsGot, shares[2].Value * m),
                Owner: (Delta(work.Owner.Address), shares[1].Value * m),
                Treasury: (Delta(work.Treasury.Address), shares[0].Value * m),
                AllContributorsPaid: watched.Take(attributed.Length).All(a => Delta(a) > 0));

            r.LoadAfter = MachineInfo.LoadAverage();
            r.WatcherGaps = watcher.Gaps;
        }
        finally
        {
            Console.Write("  node: stopping ... ");
            sw.Restart();
            await watcher.StopAsync();
            // Everything measured is committed by now. A graceful stop can take long when the market streams are still
            // working through a backlog (see the note printed below); past the limit the silo stops ungracefully.
            using (var limit = new CancellationTokenSource(StopLimit))
            {
                try { await host.StopAsync(limit.Token); }
                catch (OperationCanceledException) { }
            }
            host.Dispose();
            r.StopSeconds = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s{(sw.Elapsed >= StopLimit ? $" (graceful stop cut at {StopLimit.TotalSeconds:F0} s)" : "")}");
        }

        // Conservation: reload the committed state from the file, as a restarted node would.
        Console.Write("  supply check: reloading the committed state ... ");
        sw.Restart();
        await using (var store = new SqlLedgerStore(StorageBackend.Sqlite, connection))
        {
            var (state, head) = await store.LoadStateAsync();
            r.SupplyAfter = state.TotalSupply();
            r.SupplyGenesis = rules.TotalSupply.Value;
            r.StateRootMatches = state.StateRoot() == head.StateRoot;
            r.Height = head.Height;
        }
        Console.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s");
        if (!o.KeepData) TryDelete(dir);
        MarketplaceReport.Print(r, total.Elapsed);
        return r.AllGood ? 0 : 1;
    }

    /// <summary>The node's CPU in the seconds after a phase's last commit, with no transaction left anywhere: work the
    /// phase left behind (market event streams draining, GC), which the phase's own CPU figures only partly include.</summary>
    private static async Task<PhaseCpu> TailAsync()
    {
        var meter = new PhaseMeter();
        await Task.Delay(TimeSpan.FromSeconds(3));
        return meter.Stop();
    }

    /// <summary>ContentHashes.Compute and MinHash on every text, on all cores (best of 3 passes).</summary>
    private static (int Count, double Seconds) MeasureDigests(byte[][] texts)
    {
        static void One(byte[] t)
        {
            ContentHashes.Compute(t, out var normalized);
            if (normalized is not null) MinHash.FromNormalizedText(normalized);
        }
        Parallel.For(0, Math.Min(texts.Length, 500), i => One(texts[i]));
        var best = double.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            var t = Stopwatch.StartNew();
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, texts.Length, Math.Max(16, texts.Length / (Environment.ProcessorCount * 8))),
                range => { for (int i = range.Item1; i < range.Item2; i++) One(texts[i]); });
            best = Math.Min(best, t.Elapsed.TotalSeconds);
        }
        return (texts.Length, best);
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
