using OpenLedger.Core.Crypto;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;

namespace OpenLedger.Tests.ML;

/// <summary>One bad adapter never fails another adapter's requests: a batch whose forward pass throws is run again
/// adapter by adapter, the good rows get exactly the tokens they would get alone, and only the adapter at fault fails
/// (InvalidAdapter) and is quarantined. The bad adapter here reaches a batch because its cache has no validator: it
/// stands for whatever validation does not foresee.</summary>
public class ServingIsolationTests
{
    private static readonly Gpt2Config Tiny = ServingTestAdapter.Tiny;
    private const int NewTokens = 4;

    static ServingIsolationTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Parses (its A and B chain) but was made for a base of width 64: the tiny base's forward refuses it.</summary>
    private static (byte[] Bytes, Hash32 Id) MisShaped() =>
        ServingTestAdapter.Artifact([("h.0.attn.c_attn", [4, 64], [192, 4]), ("h.1.mlp.c_fc", [4, 64], [256, 4])]);

    private static List<long> Prompt(Random random) =>
        Enumerable.Range(0, random.Next(3, 8)).Select(_ => (long)random.Next(Tiny.VocabSize)).ToList();

    [Theory]
    [InlineData(ServingMode.Heterogeneous)]
    [InlineData(ServingMode.OneAdapterPerBatch)]
    [InlineData(ServingMode.MergePerRequest)]
    public async Task Good_rows_batched_with_a_bad_adapter_get_their_answers(ServingMode mode)
    {
        // Five good adapters, the base alone, and a bad adapter whose requests sit between theirs in the queue.
        var good = ServingTestAdapter.Mix.Take(5).Select((config, i) => new ServingTestAdapter(config, seed: 70 + i)).ToList();
        var bad = MisShaped();
        var loader = new ServingTestAdapter.CountingLoader(good.Select(g => (g.Bytes, g.Id)).Append(bad));
        var random = new Random(3);
        var requests = good.Select(g => (Hash32?)g.Id).Concat([bad.Id, null]).Concat(good.Select(g => (Hash32?)g.Id)).Concat([bad.Id])
            .Select(id => new GenerationRequest(id, Prompt(random), NewTokens)).ToList();
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        using var cache = new AdapterCache(1 << 22, loader.LoadAsync);
        await using var engine = new LoraServingEngine(serving, cache, new ServingOptions(32, mode), start: false);
        var results = requests.Select(r => engine.GenerateAsync(r)).ToList();
        engine.Start();
        await Task.WhenAll(results).ContinueWith(_ => { }, TaskScheduler.Default);

        using var plain = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        plain.eval();
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (request.Adapter == bad.Id)
            {
                var refused = await Assert.ThrowsAsync<InvalidAdapterException>(() => results[i]);
                Assert.Equal(bad.Id, refused.Id);
                Assert.StartsWith("a forward pass with it failed: ArgumentException", refused.Reason);
                continue;
            }
            var expected = request.Adapter is { } id
                ? good.Single(a => a.Id == id).MergedGreedy(request.Prompt, NewTokens)
                : ServingTestAdapter.Greedy(plain, request.Prompt, NewTokens);
            Assert.Equal(expected, (await results[i]).Tokens);
        }
        Assert.Equal(AdapterState.Quarantined, cache.Metrics(bad.Id)!.State);
        Assert.All(good, g => Assert.NotEqual(AdapterState.Quarantined, cache.Metrics(g.Id)!.State));

        // From now on the bad adapter's requests fail before they queue, and the store is not read for it again.
        var calls = loader.Calls;
        var again = engine.GenerateAsync(new GenerationRequest(bad.Id, [1, 2], NewTokens));
        Assert.True(again.IsFaulted);
        await Assert.ThrowsAsync<InvalidAdapterException>(() => again);
        Assert.Equal(NewTokens, (await engine.GenerateAsync(new GenerationRequest(good[0].Id, [1, 2], NewTokens))).Tokens.Count);
        Assert.Equal(calls, loader.Calls);
        foreach (var adapter in good) adapter.Dispose();
    }

    [Fact]
    public async Task With_validation_a_bad_adapter_never_reaches_a_batch_and_the_good_rows_share_one()
    {
        var good = ServingTestAdapter.Mix.Take(3).Select((config, i) => new ServingTestAdapter(config, seed: 80 + i)).ToList();
        var bad = MisShaped();
        var loader = new ServingTestAdapter.CountingLoader(good.Select(g => (g.Bytes, g.Id)).Append(bad));
        var random = new Random(4);
        var requests = good.Select(g => (Hash32?)g.Id).Append(bad.Id).Append(null).Select(id => new GenerationRequest(id, Prompt(random), NewTokens)).ToList();
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        using var cache = new AdapterCache(1 << 22, loader.LoadAsync, AdapterValidator.For(serving));
        await using var engine = new LoraServingEngine(serving, cache, new ServingOptions(32), start: false);
        var results = requests.Select(r => engine.GenerateAsync(r)).ToList();
        engine.Start();

        var refused = await Assert.ThrowsAsync<InvalidAdapterException>(() => results[3]);
        Assert.StartsWith("h.0.attn.c_attn: A is [4, 64]", refused.Reason);
        for (var i = 0; i < requests.Count; i++)
        {
            if (i == 3) continue;
            var result = await results[i];
            Assert.Equal((4, 3), (result.BatchSize, result.AdaptersInBatch)); // one batch: the good adapters and the base row
            if (requests[i].Adapter is { } id) Assert.Equal(good.Single(a => a.Id == id).MergedGreedy(requests[i].Prompt, NewTokens), result.Tokens);
        }
        foreach (var adapter in good) adapter.Dispose();
    }

    [Fact]
    public async Task A_failure_that_is_not_an_adapters_quarantines_nothing()
    {
        using var trained = new ServingTestAdapter(ServingTestAdapter.Mix[0], seed: 90);
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        var serving = new MultiAdapterModel(model);
        using var cache = new AdapterCache(1 << 22, ServingTestAdapter.Loader([trained]));
        await using var engine = new LoraServingEngine(serving, cache, start: false);
        var adapted = engine.GenerateAsync(new GenerationRequest(trained.Id, [1, 2, 3], NewTokens));
        var plain = engine.GenerateAsync(new GenerationRequest(null, [4, 5, 6], NewTokens));
        // The model itself fails every forward pass, with or without an adapter.
        serving.Dispose();
        engine.Start();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => adapted);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => plain);
        Assert.Null(cache.QuarantineReason(trained.Id));
        Assert.Equal(AdapterState.Resident, cache.Metrics(trained.Id)!.State);
    }
}
