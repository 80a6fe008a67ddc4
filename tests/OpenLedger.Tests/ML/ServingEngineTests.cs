using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;

namespace OpenLedger.Tests.ML;

public class ServingEngineTests
{
    private static readonly Gpt2Config Tiny = ServingTestAdapter.Tiny;
    private const int NewTokens = 5;

    static ServingEngineTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Eight adapters (the mix, then two more) and prompts of 3 to 8 tokens: two requests per adapter and
    /// three for the base alone.</summary>
    private static (List<ServingTestAdapter> Adapters, List<GenerationRequest> Requests) Workload()
    {
        var configs = ServingTestAdapter.Mix.Concat([new LoraConfig(8, 8, LoraConfig.AllProjections), new LoraConfig(4, 12, ["mlp.c_fc"])]);
        var adapters = configs.Select((config, i) => new ServingTestAdapter(config, seed: 40 + i)).ToList();
        var random = new Random(11);
        var targets = adapters.Select(a => (Hash32?)a.Id).Concat(adapters.Select(a => (Hash32?)a.Id)).Concat([null, null, null]).ToList();
        var requests = targets.Select(id =>
            new GenerationRequest(id, Enumerable.Range(0, random.Next(3, 9)).Select(_ => (long)random.Next(Tiny.VocabSize)).ToList(), NewTokens)).ToList();
        return (adapters, requests);
    }

    private static async Task<GenerationResult[]> Serve(ServingMode mode, List<ServingTestAdapter> adapters, List<GenerationRequest> requests, int maxBatch)
    {
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        using var cache = new AdapterCache(1 << 22, ServingTestAdapter.Loader(adapters));
        await using var engine = new LoraServingEngine(serving, cache, new ServingOptions(maxBatch, mode), start: false);
        var results = requests.Select(r => engine.GenerateAsync(r)).ToList();
        engine.Start();
        return await Task.WhenAll(results);
    }

    [Fact]
    public async Task Eight_adapters_in_one_batch_generate_what_each_merged_model_generates()
    {
        var (adapters, requests) = Workload();
        var results = await Serve(ServingMode.Heterogeneous, adapters, requests, maxBatch: 32);

        using var plain = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        plain.eval();
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            var expected = request.Adapter is { } id
                ? adapters.Single(a => a.Id == id).MergedGreedy(request.Prompt, NewTokens)
                : ServingTestAdapter.Greedy(plain, request.Prompt, NewTokens);
            Assert.Equal(expected, results[i].Tokens);
            Assert.Equal((requests.Count, 8), (results[i].BatchSize, results[i].AdaptersInBatch));
        }
        // The adapters matter: not every request generates what the base alone would.
        Assert.Contains(Enumerable.Range(0, requests.Count),
            i => !ServingTestAdapter.Greedy(plain, requests[i].Prompt, NewTokens).SequenceEqual(results[i].Tokens));
        foreach (var adapter in adapters) adapter.Dispose();
    }

    [Fact]
    public async Task Heterogeneous_batches_one_adapter_batches_and_merging_per_request_generate_the_same_tokens()
    {
        var (adapters, requests) = Workload();
        var heterogeneous = await Serve(ServingMode.Heterogeneous, adapters, requests, maxBatch: 4);
        var oneAdapter = await Serve(ServingMode.OneAdapterPerBatch, adapters, requests, maxBatch: 4);
        var merged = await Serve(ServingMode.MergePerRequest, adapters, requests, maxBatch: 4);

        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(merged[i].Tokens, heterogeneous[i].Tokens);
            Assert.Equal(merged[i].Tokens, oneAdapter[i].Tokens);
            Assert.Equal(1, merged[i].BatchSize);
            Assert.True(oneAdapter[i].AdaptersInBatch <= 1);
            Assert.True(heterogeneous[i].BatchSize <= 4);
        }
        Assert.Contains(heterogeneous, r => r.AdaptersInBatch > 1);
        foreach (var adapter in adapters) adapter.Dispose();
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_is_dropped_and_the_others_complete()
    {
        var (adapters, requests) = Workload();
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        using var cache = new AdapterCache(1 << 22, ServingTestAdapter.Loader(adapters));
        await using var engine = new LoraServingEngine(serving, cache, start: false);
        using var cancel = new CancellationTokenSource();
        var cancelled = engine.GenerateAsync(requests[0], cancel.Token);
        var kept = engine.GenerateAsync(requests[1]);
        await cancel.CancelAsync();
        engine.Start();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var result = await kept;
        Assert.Equal((NewTokens, 1), (result.Tokens.Count, result.BatchSize));
        foreach (var adapter in adapters) adapter.Dispose();
    }

    [Fact]
    public async Task A_request_for_an_unknown_adapter_fails_alone()
    {
        var (adapters, requests) = Workload();
        var unknown = new GenerationRequest(Keccak256.Hash("no such adapter"), [1, 2, 3], 2);
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        using var cache = new AdapterCache(1 << 22, ServingTestAdapter.Loader(adapters));
        await using var engine = new LoraServingEngine(serving, cache, start: false);
        var failing = engine.GenerateAsync(unknown);
        var fine = engine.GenerateAsync(requests[0]);
        engine.Start();

        await Assert.ThrowsAsync<FileNotFoundException>(() => failing);
        Assert.Equal(NewTokens, (await fine).Tokens.Count);
        Assert.Throws<ArgumentException>(() => { _ = engine.GenerateAsync(new GenerationRequest(null, [1], Tiny.ContextLength)); });
        foreach (var adapter in adapters) adapter.Dispose();
    }
}
