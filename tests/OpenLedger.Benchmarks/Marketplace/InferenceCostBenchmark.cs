using System.Diagnostics;
using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>
/// The producer's cost of one <see cref="RequestInference"/> (and of a price-only <see cref="UpdateModel"/>) against a
/// model of n versions, each trained on 16 datanet versions (the most a transaction names): the core's
/// <see cref="BlockExecutor"/> alone on an in-memory state, no node, no store. Signing and signature checks happen
/// before the clock starts. A block of --requests requests is executed --rounds times; the table gives the median.
/// </summary>
public static class InferenceCostBenchmark
{
    private const int DatanetVersionsPerModelVersion = 16;

    public static int Run(Args a)
    {
        var versions = (a.Get("versions") ?? "1,16,64").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
        var requests = a.GetInt("requests", 1_000);
        var rounds = a.GetInt("rounds", 5);
        if (versions.Any(v => v < 1) || requests < 1 || rounds < 1) throw new UsageException("--versions, --requests and --rounds must be positive");

        Console.WriteLine($"# RequestInference cost by model versions ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        Console.WriteLine($"machine: {MachineInfo.CpuModel()}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {MachineInfo.LoadAverage()}");
        Console.WriteLine($"each model version names {DatanetVersionsPerModelVersion} datanet versions; {requests} requests per block, median of {rounds} blocks");
        Console.WriteLine();
        Console.WriteLine("| model versions | model encoding | RequestInference, producer | bytes encoded per request | a block of them | UpdateModel (price only), producer |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var n in versions)
        {
            var r = Measure(n, requests, rounds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n:N0} | {r.ModelBytes:N0} B | {r.RequestMicros:N1} us | {r.RequestBytes:N0} B | {r.RequestMicros * requests / 1000:N1} ms | {r.UpdateMicros:N1} us |"));
        }
        return 0;
    }

    private sealed record Result(int ModelBytes, double RequestMicros, long RequestBytes, double UpdateMicros);

    private static Result Measure(int modelVersions, int requests, int rounds)
    {
        var genesis = DevChain.Genesis(1_717, "inference-cost", 2, 1_000_000_000, 1_000, Math.Max(20_000, requests));
        // Above the default cap (64) the genesis raises it, up to the most a genesis may set.
        genesis.Marketplace.MaxModelVersions = Math.Max(genesis.Marketplace.MaxModelVersions, modelVersions);
        var chain = new Chain(genesis.ToRules(), genesis.DevAccounts!.Keys().ToList());
        var (owner, caller) = (chain.Keys[0], chain.Keys[1]);

        var datanet = chain.Block(chain.Sign(owner, new CreateDatanet("d", "", [], "", TaskKind.Text, Wei.Zero, Wei.Zero, ForfeitRule.Owner, [])))[0];
        var setup = new List<SignedTransaction>();
        for (int k = 0; k < DatanetVersionsPerModelVersion; k++)
        {
            var contribution = chain.Sign(owner, new Contribute(datanet, Keccak256.Hash($"content {k}"), Keccak256.Hash($"normalized {k}"), 100));
            setup.Add(contribution);
            setup.Add(chain.Sign(owner, new Curate(contribution.Hash, true, "")));
            setup.Add(chain.Sign(owner, new PublishVersion(datanet)));
        }
        chain.Block([.. setup]);
        var dataVersions = Enumerable.Range(1, DatanetVersionsPerModelVersion).Select(v => DatanetVersion.IdOf(datanet, (uint)v)).ToArray();
        var model = chain.Block(chain.Sign(owner, new RegisterModel("m", "base", Keccak256.Hash("adapter 1"), dataVersions, Keccak256.Hash("record 1"),
            new Wei(1_000), 7_000, 2_000, 1_000)))[0];
        for (int v = 2; v <= modelVersions; v += 1_000)
            chain.Block([.. Enumerable.Range(v, Math.Min(1_000, modelVersions - v + 1)).Select(n => chain.Sign(owner,
                new UpdateModel(model, new Wei(1_000), ModelStatus.Active, Keccak256.Hash($"adapter {n}"), Keccak256.Hash($"record {n}"), dataVersions)))]);
        var bytes = chain.State.Market.Model(model)!.Encode().Length;

        var requestTimes = new List<double>();
        long requestBytes = 0;
        var updateTimes = new List<double>();
        for (int round = 0; round < rounds + 1; round++) // the first round warms the code up and is not counted
        {
            var block = Enumerable.Range(0, requests).Select(i => chain.Sign(caller, new RequestInference(model, Keccak256.Hash($"input {round} {i}"), new Wei(1_000_000)))).ToArray();
            var encodedBefore = chain.State.Market.EncodedBytes;
            var elapsed = chain.TimedBlock(block);
            requestBytes = (chain.State.Market.EncodedBytes - encodedBefore) / requests;
            if (round > 0) requestTimes.Add(elapsed.TotalMicroseconds / requests);
            var updates = Enumerable.Range(0, 100).Select(i => chain.Sign(owner, new UpdateModel(model, new Wei(1_000 + (ulong)i), ModelStatus.Active, Hash32.Zero, Hash32.Zero, []))).ToArray();
            elapsed = chain.TimedBlock(updates);
            if (round > 0) updateTimes.Add(elapsed.TotalMicroseconds / updates.Length);
        }
        return new Result(bytes, Median(requestTimes), requestBytes, Median(updateTimes));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>An in-memory chain: the state, the head, the keys and their next nonces.</summary>
    private sealed class Chain
    {
        private readonly ChainRules _rules;
        private readonly Dictionary<Address, ulong> _nonces = [];
        private BlockHeader _head;

        public Chain(ChainRules rules, IReadOnlyList<PrivateKey> keys)
        {
            _rules = rules;
            Keys = keys;
            (State, _head) = GenesisBlock.Build(rules);
        }

        public IReadOnlyList<PrivateKey> Keys { get; }
        public LedgerState State { get; }

        public SignedTransaction Sign(PrivateKey key, ITxBody body)
        {
            var nonce = _nonces.GetValueOrDefault(key.Address);
            _nonces[key.Address] = nonce + 1;
            return new Transaction(_rules.ChainId, key.Address, nonce, _rules.GasPriceFloor, body).Sign(key);
        }

        /// <summary>Executes a block whose transactions must all succeed; returns their hashes.</summary>
        public List<Hash32> Block(params SignedTransaction[] txs)
        {
            TimedBlock(txs);
            return txs.Select(t => t.Hash).ToList();
        }

        /// <summary>Executes a block whose transactions must all succeed; returns the time the executor took.</summary>
        public TimeSpan TimedBlock(SignedTransaction[] txs)
        {
            var verified = txs.Select(t =>
            {
                var e = TransactionVerifier.Verify(t.Encode(), _rules.ChainId, _rules.MaxTransactionBytes, out var v);
                return e.IsError ? throw new InvalidOperationException(e.ToString()) : v!;
            }).ToList();
            var started = Stopwatch.GetTimestamp();
            var executed = BlockExecutor.Execute(State, _rules, _head, _head.TimestampMs + _rules.BlockIntervalMs, verified);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (executed.Excluded.Count > 0) throw new InvalidOperationException($"excluded: {executed.Excluded[0].Error}");
            if (executed.Receipts.FirstOrDefault(r => r.Status != ReceiptStatus.Success) is { } failed)
                throw new InvalidOperationException($"transaction {failed.Index} failed: {failed.Error}");
            _head = executed.Header;
            return elapsed;
        }
    }
}
