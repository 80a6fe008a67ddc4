using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Silo.Cli;
using OpenLedger.Silo.Hosting;
using OpenLedger.Storage;
using OpenLedger.Storage.Ledger;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Crash;

/// <summary>The real node, as a separate process on a SQLite file, SIGKILLed again and again under a stream of
/// signed transfers from concurrent senders and rounds of marketplace traffic (datanet, upload, contribution,
/// curation, version, model, paid inference, result, settlement). Whatever the node told a client was committed must survive every crash,
/// exactly once; the chain must replay from genesis; the supply must not change; and the node must keep serving.</summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Accounts = 8;
    private const int Senders = 4;
    private const int BlockIntervalMs = 150;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(15);

    private readonly TestChain _chain = new(accounts: Accounts, blockIntervalMs: BlockIntervalMs);
    private readonly string _root = TestChain.TempDirectory("openledger-crash");
    private readonly CancellationTokenSource _stop = new();
    private NodeProcess? _node;
    private bool _passed;
    private int _seed;

    // What the node told us, and what went wrong while it was up (each entry a sentence for the failure message).
    private readonly ConcurrentDictionary<Hash32, Report> _reported = new();   // the first report of each hash
    private readonly ConcurrentQueue<(Hash32 Hash, Report Report)> _reports = new(); // every report, from both sources
    private readonly ConcurrentDictionary<Hash32, Submitted> _submitted = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<string, int> _rejections = new();
    private readonly ConnectionHub _hub = new();
    private readonly ConcurrentBag<Task> _disposals = [];
    private int _replaysRejected;
    private int _marketRounds;
    private int _marketSteps;

    private sealed record Report(long Height, Hash32? BlockHash, int Node, string Source);
    private sealed record Submitted(int Sender, ulong Nonce, int Node);

    [Fact]
    public async Task Committed_transfers_survive_repeated_SIGKILL_exactly_once_and_the_chain_replays()
    {
        var total = Stopwatch.StartNew();
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_CRASH_ITERATIONS"), out var it) && it > 0 ? it : 5;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_CRASH_SEED"), out var s) ? s : Environment.TickCount;
        var rng = new Random(seed);
        _seed = seed;
        var dataDir = Path.Combine(_root, "data");
        var genesisPath = Path.Combine(_root, "genesis.json");
        await File.WriteAllTextAsync(genesisPath, _chain.Genesis.ToJson() + "\n");
        _node = new NodeProcess(dataDir, genesisPath);
        var node = _node;
        node.Note($"seed {seed}, {iterations} kills, {Senders} senders over {Accounts} accounts, block interval {BlockIntervalMs} ms, data {dataDir}");
        output.WriteLine($"crash test: seed {seed} (OPENLEDGER_CRASH_SEED), {iterations} kills (OPENLEDGER_CRASH_ITERATIONS), data {dataDir}, ports {node.SiloPort}/{node.GatewayPort}");

        await node.StartAsync(StartTimeout);
        _hub.Publish(await ConnectAsync(node, 1));

        var workers = Enumerable.Range(0, Senders)
            .Select(i => Task.Run(() => SendAsync(i, new Random(seed + 1 + i), _stop.Token)))
            .Append(Task.Run(() => WatchChainAsync(_stop.Token)))
            .Append(Task.Run(() => MarketplaceAsync(_stop.Token)))
            .ToList();

        var epochs = new List<string>();
        for (int kill = 1; kill <= iterations; kill++)
        {
            var epoch = node.Starts;
            var before = _reported.Count;
            // Let traffic run for a random while, but make sure this node committed something before it dies.
            await Task.Delay(rng.Next(400, 2_500));
            var progress = Stopwatch.StartNew();
            while (!_reported.Values.Any(r => r.Node == epoch) && progress.Elapsed < CommitTimeout && _violations.IsEmpty) await Task.Delay(50);
            AssertNoViolations();
            Assert.True(_reported.Values.Any(r => r.Node == epoch),
                $"node #{epoch} reported no committed transaction within {CommitTimeout.TotalSeconds:0} s of traffic\n{Diagnostics()}");
            // A few more random milliseconds, so the kill lands anywhere in the block cycle (sealing, committing, publishing).
            await Task.Delay(rng.Next(0, BlockIntervalMs * 2));

            var old = _hub.Revoke();
            node.Kill();
            epochs.Add($"node #{epoch}: {_reported.Values.Count(r => r.Node == epoch)} commits reported ({_reported.Count - before} new reports in total)");
            if (old is not null) _disposals.Add(old.DisposeAsync());

            await node.StartAsync(StartTimeout);
            _hub.Publish(await ConnectAsync(node, node.Starts));
        }

        // The last node: let the senders run on it a little (and the marketplace finish a whole round on it, so every
        // kind is exercised even if the kills interrupted every earlier round), then stop them and check it still
        // takes a new transfer.
        await Task.Delay(1_000);
        var roundsBefore = Volatile.Read(ref _marketRounds);
        var finish = Stopwatch.StartNew();
        while (Volatile.Read(ref _marketRounds) < roundsBefore + 2 && finish.Elapsed < TimeSpan.FromSeconds(45) && _violations.IsEmpty) await Task.Delay(100);
        AssertNoViolations();
        Assert.True(Volatile.Read(ref _marketRounds) >= roundsBefore + 2, $"no whole marketplace round completed on the last node in 45 s\n{Diagnostics()}");
        _stop.Cancel();
        var all = Task.WhenAll(workers);
        Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))) == all, $"the senders did not stop within 30 s\n{Diagnostics()}");
        await all; // surfaces a bug in the test's own loops
        AssertNoViolations();

        var last = await _hub.CurrentAsync(CancellationToken.None);
        var finalKey = _chain.Keys[Senders]; // an account that has only ever received
        var account = await last.Account(finalKey.Address).GetAsync();
        var finalTx = _chain.Transfer(finalKey, _chain.Keys[0].Address, Wei.FromOpen(1), account.NextNonce);
        var submit = (await last.Intake.SubmitAsync([finalTx.Encode()]))[0];
        Assert.True(submit.Accepted, $"the restarted node rejected a new transfer: {submit.ErrorCode}: {submit.Message}\n{Diagnostics()}");
        var view = await last.Transaction(finalTx.Hash).WaitForCommitAsync(CommitTimeout);
        Assert.True(view.Status == TxStatus.Committed && view.Succeeded == true,
            $"a new transfer on node #{node.Starts} after {iterations} crashes is {view.Status} (succeeded {view.Succeeded}, {view.ErrorCode}) after {CommitTimeout.TotalSeconds:0} s\n{Diagnostics()}");
        Reported(finalTx.Hash, new Report(view.BlockHeight!.Value, null, node.Starts, "final transfer"));
        _submitted[finalTx.Hash] = new Submitted(-1, finalTx.Tx.Nonce, node.Starts);
        epochs.Add($"node #{node.Starts}: {_reported.Values.Count(r => r.Node == node.Starts)} commits reported, then stopped by SIGKILL for the checks");

        // Stop the node the hard way once more, then read the file it left behind.
        if (_hub.Revoke() is { } final) _disposals.Add(final.DisposeAsync());
        node.Kill();
        AssertNoViolations();

        var store = new SqlLedgerStore(StorageBackend.Sqlite, node.Settings.ConnectionString);
        var occurrences = new Dictionary<Hash32, List<long>>();
        var blockHashes = new Dictionary<long, Hash32>();
        long blocks = 0;
        await foreach (var block in store.ReadBlocksAsync(0))
        {
            blocks++;
            blockHashes[block.Header.Height] = block.Hash;
            foreach (var raw in block.Transactions)
            {
                var error = TransactionCodec.TryDecode(raw, out var signed);
                Assert.False(error.IsError, $"block {block.Header.Height} holds an undecodable transaction: {error}");
                if (!occurrences.TryGetValue(signed!.Hash, out var at)) occurrences[signed.Hash] = at = [];
                at.Add(block.Header.Height);
            }
        }
        var problems = new List<string>();
        foreach (var (hash, at) in occurrences)
        {
            if (at.Count > 1) problems.Add($"{hash} is in {at.Count} blocks: {string.Join(", ", at)}");
            if (!_submitted.ContainsKey(hash)) problems.Add($"{hash} (block {at[0]}) was never submitted by this test");
        }
        foreach (var (hash, report) in _reports.OrderBy(r => r.Report.Height))
        {
            var sent = _submitted.TryGetValue(hash, out var sub) ? $"sender {sub.Sender} nonce {sub.Nonce} submitted to node #{sub.Node}" : "not submitted by a sender";
            if (!occurrences.TryGetValue(hash, out var at))
            {
                problems.Add($"{hash} ({sent}) was reported committed in block {report.Height} by node #{report.Node} ({report.Source}) but is in no block");
                continue;
            }
            if (at.Count == 1 && at[0] != report.Height)
                problems.Add($"{hash} ({sent}) was reported in block {report.Height} by node #{report.Node} ({report.Source}) but is in block {at[0]}");
            if (report.BlockHash is { } bh && blockHashes.TryGetValue(report.Height, out var stored) && stored != bh)
                problems.Add($"block {report.Height} was reported with hash {bh} by node #{report.Node} but the store holds {stored}");
            var record = await store.GetTransactionAsync(hash);
            if (record is null || record.Height != at[0])
                problems.Add($"{hash} ({sent}) is in block {at[0]} but its transaction record says {(record is null ? "nothing" : $"block {record.Height}")}");
        }
        Assert.True(problems.Count == 0, $"{problems.Count} committed-transaction problems:\n  {string.Join("\n  ", problems.Take(30))}\n{Diagnostics()}");

        var (state, head) = await store.LoadStateAsync();
        Assert.True(state.TotalSupply() == _chain.Rules.TotalSupply.Value,
            $"the stored balances sum to {state.TotalSupply()} wei, the genesis supply is {_chain.Rules.TotalSupply}\n{Diagnostics()}");
        var replay = await VerifyCommand.VerifyAsync(_chain.Rules, store);
        Assert.True(replay.Ok, $"verify after {iterations} crashes: {replay}\n{Diagnostics()}");
        Assert.Equal(_chain.Rules.TotalSupply.Value, replay.State.TotalSupply());
        Assert.Equal(head.Height + 1, blocks);

        await Task.WhenAny(Task.WhenAll(_disposals), Task.Delay(TimeSpan.FromSeconds(5)));
        var summary = new StringBuilder()
            .AppendLine($"{iterations} SIGKILLs in {total.Elapsed.TotalSeconds:0.0} s; {blocks} blocks (head {head.Height}), {occurrences.Count} transactions on chain")
            .AppendLine($"{_submitted.Count} transactions submitted, {_reported.Count} reported committed " +
                        $"({_reports.Count(r => r.Report.Source == "tx wait")} by WaitForCommit, {_reports.Count(r => r.Report.Source == "chain")} by the chain long-poll); " +
                        $"{occurrences.Keys.Count(h => !_reported.ContainsKey(h))} committed without a report (the crash took the answer), " +
                        $"{_submitted.Keys.Count(h => !occurrences.ContainsKey(h))} never committed (the crash took the mempool)")
            .AppendLine($"marketplace: {_marketRounds} whole rounds, {_marketSteps} marketplace transactions committed")
            .AppendLine($"{_replaysRejected} rebroadcasts of committed transactions after a restart, all rejected; " +
                        $"rejections: {(_rejections.IsEmpty ? "none" : string.Join(", ", _rejections.Select(kv => $"{kv.Key} x{kv.Value}")))}")
            .AppendLine(replay.ToString());
        foreach (var e in epochs) summary.AppendLine(e);
        output.WriteLine(summary.ToString());
        var complaints = node.Lines.Where(l => l.Contains("[node#") && (l.Contains(" warn:") || l.Contains(" fail:") || l.Contains(" crit:") || l.Contains(" err]"))).ToList();
        output.WriteLine($"{complaints.Count} warning/error lines from the node{(complaints.Count > 0 ? ":\n" + string.Join('\n', complaints.Take(50)) : "")}");
        output.WriteLine(node.Tail(60));
        _passed = true;
    }

    /// <summary>One sender: reads its next nonce from the node, submits a few consecutive transfers at once, waits for each
    /// to commit, and repeats. After a crash it reconnects, re-reads its nonce (the mempool died with the node) and goes on,
    /// sometimes rebroadcasting the very bytes it signed before the crash, as a wallet does.</summary>
    private async Task SendAsync(int index, Random rng, CancellationToken stop)
    {
        var key = _chain.Keys[index];
        var signedAt = new Dictionary<ulong, SignedTransaction>(); // signed, not yet reported committed
        SignedTransaction? lastCommitted = null;
        var checkedEpoch = 1;
        while (!stop.IsCancellationRequested)
        {
            Connection conn;
            try { conn = await _hub.CurrentAsync(stop); }
            catch (OperationCanceledException) { return; }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, conn.Lost);
            var ct = linked.Token;
            try
            {
                var account = await conn.Account(key.Address).GetAsync().WaitAsync(ct);
                if (lastCommitted is not null && account.Nonce <= lastCommitted.Tx.Nonce)
                    _violations.Enqueue($"node #{conn.Node}: sender {index}'s committed nonce is {account.Nonce}, but nonce {lastCommitted.Tx.Nonce} ({lastCommitted.Hash}) was reported committed");
                if (conn.Node != checkedEpoch && lastCommitted is not null)
                {
                    // A restarted node must refuse a transaction it already committed, whatever its mempool forgot.
                    checkedEpoch = conn.Node;
                    var replay = (await conn.Intake.SubmitAsync([lastCommitted.Encode()]).WaitAsync(ct))[0];
                    if (replay.Accepted) _violations.Enqueue($"node #{conn.Node} accepted a rebroadcast of committed {lastCommitted.Hash} (sender {index}, nonce {lastCommitted.Tx.Nonce})");
                    else Interlocked.Increment(ref _replaysRejected);
                }

                var next = account.NextNonce;
                foreach (var n in signedAt.Keys.Where(n => n < next).ToList()) signedAt.Remove(n);
                var batch = new List<SignedTransaction>();
                for (int k = rng.Next(1, 9); k > 0; k--)
                {
                    var nonce = next + (ulong)batch.Count;
                    var tx = signedAt.TryGetValue(nonce, out var before) && rng.Next(2) == 0
                        ? before // rebroadcast what was signed before the crash
                        : _chain.Transfer(key, _chain.Keys[(index + 1 + rng.Next(Accounts - 1)) % Accounts].Address, new Wei((UInt128)rng.Next(1, 1_000_000)), nonce);
                    signedAt[nonce] = tx;
                    _submitted.TryAdd(tx.Hash, new Submitted(index, nonce, conn.Node));
                    batch.Add(tx);
                }
                var results = await conn.Intake.SubmitAsync(batch.Select(t => t.Encode()).ToList()).WaitAsync(ct);
                for (int i = 0; i < batch.Count; i++)
                {
                    if (!results[i].Accepted)
                    {
                        _rejections.AddOrUpdate(results[i].ErrorCode ?? "?", 1, (_, c) => c + 1);
                        _violations.Enqueue($"node #{conn.Node} rejected sender {index}'s nonce {batch[i].Tx.Nonce} (next nonce read {next}): {results[i].ErrorCode}: {results[i].Message}");
                        break;
                    }
                    var view = await conn.Transaction(batch[i].Hash).WaitForCommitAsync(CommitTimeout).WaitAsync(ct);
                    if (view.Status != TxStatus.Committed)
                    {
                        if (!ct.IsCancellationRequested)
                            _violations.Enqueue($"node #{conn.Node}: sender {index}'s {batch[i].Hash} (nonce {batch[i].Tx.Nonce}) is still {view.Status} after {CommitTimeout.TotalSeconds:0} s");
                        break;
                    }
                    Reported(batch[i].Hash, new Report(view.BlockHeight ?? -1, null, conn.Node, "tx wait"));
                    if (view.Succeeded != true) _violations.Enqueue($"{batch[i].Hash} committed but failed: {view.ErrorCode}");
                    lastCommitted = batch[i];
                }
            }
            catch (Exception) when (stop.IsCancellationRequested || conn.Lost.IsCancellationRequested)
            {
                // The node was killed under this call (or the test is over): its answer is lost, not wrong.
            }
            catch (Exception e)
            {
                _violations.Enqueue($"node #{conn.Node}: sender {index} failed while the node was up: {e.GetType().Name}: {e.Message}");
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    /// <summary>Marketplace traffic: rounds of create datanet → upload and contribute → approve → publish version →
    /// register model → request inference → post result → settle, each step signed, submitted and waited for. A crash
    /// abandons the round (its objects stay on chain; an abandoned escrow stays held, and counted in the supply, until
    /// it expires) and the next round starts from scratch on the new node. Every step must succeed.</summary>
    private async Task MarketplaceAsync(CancellationToken stop)
    {
        var owner = _chain.Keys[5];
        var contributor = _chain.Keys[6];
        var caller = _chain.Keys[7];
        var serving = _chain.ServingOperator;
        var attribution = _chain.AttributionOperator;
        var round = 0;
        while (!stop.IsCancellationRequested)
        {
            Connection conn;
            try { conn = await _hub.CurrentAsync(stop); }
            catch (OperationCanceledException) { return; }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, conn.Lost);
            var ct = linked.Token;
            round++;
            try
            {
                async Task<SignedTransaction> Step(PrivateKey key, ITxBody body)
                {
                    var nonce = (await conn.Account(key.Address).GetAsync().WaitAsync(ct)).NextNonce;
                    var tx = new Transaction(_chain.Rules.ChainId, key.Address, nonce, _chain.GasPrice, body).Sign(key);
                    _submitted.TryAdd(tx.Hash, new Submitted(100 + round, nonce, conn.Node));
                    var result = (await conn.Intake.SubmitAsync([tx.Encode()]).WaitAsync(ct))[0];
                    if (!result.Accepted) throw new InvalidOperationException($"{body.Kind} rejected: {result.ErrorCode}: {result.Message}");
                    var view = await conn.Transaction(tx.Hash).WaitForCommitAsync(CommitTimeout).WaitAsync(ct);
                    if (view.Status != TxStatus.Committed) throw new InvalidOperationException($"{body.Kind} {tx.Hash} is {view.Status} after {CommitTimeout.TotalSeconds:0} s");
                    Reported(tx.Hash, new Report(view.BlockHeight ?? -1, null, conn.Node, "tx wait"));
                    if (view.Succeeded != true) throw new InvalidOperationException($"{body.Kind} {tx.Hash} committed but failed: {view.ErrorCode}");
                    Interlocked.Increment(ref _marketSteps);
                    return tx;
                }

                var datanet = (await Step(owner, new CreateDatanet($"crash datanet {round}", "", ["crash"], "CC0", TaskKind.Text,
                    new Wei(1_000), new Wei(5_000), ForfeitRule.Owner, []))).Hash;
                var text = System.Text.Encoding.UTF8.GetBytes($"node #{conn.Node} round {round}: the quick brown fox jumps over the lazy dog {Guid.NewGuid()}");
                var upload = await conn.Content.PutAsync(text).WaitAsync(ct);
                if (!upload.Ok) throw new InvalidOperationException($"upload failed: {upload.ErrorCode}: {upload.Message}");
                var c = upload.Content!;
                var contribution = (await Step(contributor, new Contribute(datanet, c.Hash, c.NormalizedHash, (ulong)c.Size))).Hash;
                await Step(owner, new Curate(contribution, true, "fine"));
                await Step(owner, new PublishVersion(datanet));
                var model = (await Step(owner, new RegisterModel($"crash model {round}", "openledger-base", Keccak256.Hash($"adapter {round}"),
                    [DatanetVersion.IdOf(datanet, 1)], Keccak256.Hash($"record {round}"), new Wei(1_000_000), 7_000, 2_000, 1_000))).Hash;
                var inference = (await Step(caller, new RequestInference(model, Keccak256.Hash($"input {round}"), new Wei(1_000_000)))).Hash;
                await Step(serving, new PostResult(inference, Keccak256.Hash($"output {round}")));
                await Step(attribution, new SettleAttribution(inference, Keccak256.Hash($"attribution {round}"), [contribution], [1]));
                Interlocked.Increment(ref _marketRounds);
            }
            catch (Exception) when (stop.IsCancellationRequested || conn.Lost.IsCancellationRequested)
            {
                // The node died under this round: abandon it.
            }
            catch (Exception e)
            {
                _violations.Enqueue($"node #{conn.Node}: marketplace round {round} failed while the node was up: {e.GetType().Name}: {e.Message}");
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    /// <summary>Follows the chain's long-poll and records every transaction it announces as committed.</summary>
    private async Task WatchChainAsync(CancellationToken stop)
    {
        long after = 0;
        while (!stop.IsCancellationRequested)
        {
            Connection conn;
            try { conn = await _hub.CurrentAsync(stop); }
            catch (OperationCanceledException) { return; }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, conn.Lost);
            try
            {
                var blocks = await conn.Chain.WaitForBlocksAsync(after, TimeSpan.FromSeconds(2)).WaitAsync(linked.Token);
                foreach (var b in blocks)
                {
                    foreach (var h in b.Included) Reported(h, new Report(b.Height, b.BlockHash, conn.Node, "chain"));
                    after = Math.Max(after, b.Height);
                }
                if (blocks.Count == 0)
                {
                    // A restarted node remembers no recent blocks: skip to its head rather than ask again at once.
                    var info = await conn.Chain.GetInfoAsync().WaitAsync(linked.Token);
                    if (info.HeadHeight > after) after = info.HeadHeight;
                }
            }
            catch (Exception) when (stop.IsCancellationRequested || conn.Lost.IsCancellationRequested) { }
            catch (Exception e)
            {
                _violations.Enqueue($"node #{conn.Node}: the chain long-poll failed while the node was up: {e.GetType().Name}: {e.Message}");
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    private void Reported(Hash32 hash, Report report)
    {
        _reported.TryAdd(hash, report);
        _reports.Enqueue((hash, report));
    }

    private static async Task<Connection> ConnectAsync(NodeProcess node, int generation)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var host = await NodeClient.ConnectAsync(node.Settings);
                node.Note($"client connected to node #{generation}");
                return new Connection(host, generation);
            }
            catch (Exception e) when (attempt < 3)
            {
                node.Note($"client could not connect to node #{generation} (attempt {attempt}): {e.Message}");
                await Task.Delay(500);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"cannot connect a client to node #{generation}: {e.Message}\n{node.Output}", e);
            }
        }
    }

    private void AssertNoViolations() =>
        Assert.True(_violations.IsEmpty, $"{_violations.Count} problems while the node was up:\n  {string.Join("\n  ", _violations.Take(20))}\n{Diagnostics()}");

    private string Diagnostics() =>
        $"seed {_seed} (OPENLEDGER_CRASH_SEED replays the same choices; timing differs), {_node?.Starts} node starts, " +
        $"{_submitted.Count} submitted, {_reported.Count} reported committed; data directory kept for inspection: {_node?.DataDirectory}\n{_node?.Output}";

    public void Dispose()
    {
        _stop.Cancel();
        _hub.Revoke();
        _node?.Dispose();
        _stop.Dispose();
        if (!_passed)
        {
            output.WriteLine($"the test failed: its data directory stays for inspection: {_root}");
            return;
        }
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>A client of one node process; <see cref="Lost"/> fires when the test kills that node.</summary>
    private sealed class Connection(IHost host, int node)
    {
        private readonly CancellationTokenSource _lost = new();
        private readonly IClusterClient _client = host.Services.GetRequiredService<IClusterClient>();

        public int Node { get; } = node;
        public CancellationToken Lost => _lost.Token;
        public ITransactionIntakeGrain Intake => _client.GetGrain<ITransactionIntakeGrain>(0);
        public IChainGrain Chain => _client.GetGrain<IChainGrain>(0);
        public IAccountGrain Account(Address a) => _client.GetGrain<IAccountGrain>(GrainKeys.Of(a));
        public ITransactionGrain Transaction(Hash32 h) => _client.GetGrain<ITransactionGrain>(GrainKeys.Of(h));
        public IContentGrain Content => _client.GetGrain<IContentGrain>(0);

        public void MarkLost() => _lost.Cancel();

        /// <summary>Stops the client; bounded, because the silo it connected to may be gone.</summary>
        public async Task DisposeAsync()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await host.StopAsync(timeout.Token);
            }
            catch (Exception) { } // a dead silo: nothing to say goodbye to
            host.Dispose();
        }
    }

    /// <summary>Hands the current connection to the workers; while the node is down they wait here for the next one.</summary>
    private sealed class ConnectionHub
    {
        private readonly Lock _gate = new();
        private Connection? _current;
        private TaskCompletionSource<Connection> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<Connection> CurrentAsync(CancellationToken ct)
        {
            Task<Connection> next;
            lock (_gate)
            {
                if (_current is { } c) return c;
                next = _next.Task;
            }
            return await next.WaitAsync(ct);
        }

        public void Publish(Connection connection)
        {
            TaskCompletionSource<Connection> waiting;
            lock (_gate)
            {
                _current = connection;
                waiting = _next;
                _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            waiting.SetResult(connection);
        }

        /// <summary>Takes the current connection away (before its node is killed) and tells its users.</summary>
        public Connection? Revoke()
        {
            Connection? c;
            lock (_gate) { c = _current; _current = null; }
            c?.MarkLost();
            return c;
        }
    }
}
