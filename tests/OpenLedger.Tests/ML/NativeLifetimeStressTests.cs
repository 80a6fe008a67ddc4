using OpenLedger.Core.Crypto;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML;

/// <summary>
/// Training and serving at once while another thread forces garbage collections and runs finalizers without pause:
/// the conditions under which a TorchSharp Scalar or tensor left to the finalizer is freed during the native call
/// that reads it (a CI run once failed in <c>masked_fill</c> with libtorch reading a garbage Scalar). Every round
/// must finish without a native error and give the same adapter, bit for bit, as a run on a quiet heap.
/// OPENLEDGER_STRESS_ROUNDS raises the number of rounds (CI runs 2).
/// </summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class NativeLifetimeStressTests : IDisposable
{
    private readonly IDisposable _singleThreaded;

    public NativeLifetimeStressTests()
    {
        TorchRuntime.EnsureLoaded();
        _singleThreaded = TorchDeterminism.SingleThreaded();
    }

    public void Dispose() => _singleThreaded.Dispose();

    private static int Rounds => int.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_STRESS_ROUNDS"), out var n) && n > 0 ? n : 2;

    private static readonly FineTuneSpec Spec = new() { Rank = 4, Alpha = 8, Steps = 12, BatchSize = 8, LearningRate = 5e-3, Seed = 5 };

    [Fact]
    public async Task Training_and_serving_under_constant_collections_finish_with_the_quiet_runs_results()
    {
        var dataset = FineTuneTests.Dataset();
        var quietTraining = FineTuneRun.Run(TestBaseModel.Directory, dataset, Spec, null, threads: 1);
        var (adapters, requests) = ServingWorkload();
        var quietServing = await ServeAsync(adapters, requests);

        using var stop = new CancellationTokenSource();
        var collections = 0L;
        var hammer = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Garbage of every generation, then a full blocking collection that runs every pending finalizer.
                _ = new byte[Random.Shared.Next(1, 1 << 16)];
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        }, TaskCreationOptions.LongRunning);
        try
        {
            for (var round = 0; round < Rounds; round++)
            {
                var training = Task.Run(() => FineTuneRun.Run(TestBaseModel.Directory, dataset, Spec, null, threads: 1));
                var serving = ServeAsync(adapters, requests);
                var (trained, served) = (await training, await serving);
                Assert.True(quietTraining.AdapterHash == trained.AdapterHash,
                    $"round {round}: the adapter trained under collections ({trained.AdapterHash}) differs from the quiet run's ({quietTraining.AdapterHash})");
                for (var i = 0; i < requests.Count; i++)
                    Assert.True(quietServing[i].Tokens.SequenceEqual(served[i].Tokens),
                        $"round {round}, request {i}: [{string.Join(", ", served[i].Tokens)}] under collections, [{string.Join(", ", quietServing[i].Tokens)}] quiet");
            }
        }
        finally
        {
            stop.Cancel();
            await hammer;
            foreach (var adapter in adapters) adapter.Dispose();
        }
        Assert.True(Interlocked.Read(ref collections) > Rounds, $"only {collections} forced collections ran beside {Rounds} rounds");
    }

    private static (List<ServingTestAdapter> Adapters, List<GenerationRequest> Requests) ServingWorkload()
    {
        var adapters = ServingTestAdapter.Mix.Select((config, i) => new ServingTestAdapter(config, seed: 70 + i)).ToList();
        var random = new Random(3);
        var requests = adapters.Select(a => (Hash32?)a.Id).Concat(adapters.Select(a => (Hash32?)a.Id)).Append(null)
            .Select(id => new GenerationRequest(id, Enumerable.Range(0, random.Next(3, 9)).Select(_ => (long)random.Next(ServingTestAdapter.Tiny.VocabSize)).ToList(), 6))
            .ToList();
        return (adapters, requests);
    }

    private static async Task<GenerationResult[]> ServeAsync(List<ServingTestAdapter> adapters, List<GenerationRequest> requests)
    {
        using var model = new Gpt2Model(ServingTestAdapter.Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        using var cache = new AdapterCache(1 << 22, ServingTestAdapter.Loader(adapters));
        await using var engine = new LoraServingEngine(serving, cache, new ServingOptions(4, ServingMode.Heterogeneous), start: false);
        var results = requests.Select(r => engine.GenerateAsync(r)).ToList();
        engine.Start();
        return await Task.WhenAll(results);
    }
}
