using OpenLedger.Tests.Support;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.SafeTensors;
using OpenLedger.ML.Serving;
using Xunit.Abstractions;

namespace OpenLedger.Tests.ML;

public class ServingAdapterCacheTests(ITestOutputHelper output)
{
    private static readonly LoraConfig Same = new(4, 8, LoraConfig.AllProjections);

    static ServingAdapterCacheTests() => TorchRuntime.EnsureLoaded();

    private static List<ServingTestAdapter> Adapters(int count) =>
        Enumerable.Range(0, count).Select(i => new ServingTestAdapter(Same, seed: 100 + i)).ToList();

    private static long SizeOf(ServingTestAdapter adapter)
    {
        using var parsed = ServedAdapter.Parse(adapter.Id, adapter.Bytes);
        return parsed.ResidentBytes;
    }

    private static async Task Touch(AdapterCache cache, Hash32 id)
    {
        using var lease = await cache.AcquireAsync(id);
    }

    [Fact]
    public async Task The_budget_holds_and_the_least_recently_used_adapter_is_evicted_and_freed()
    {
        var adapters = Adapters(4);
        var size = SizeOf(adapters[0]);
        using var cache = new AdapterCache(3 * size, ServingTestAdapter.Loader(adapters));
        var (a, b, c, d) = (adapters[0].Id, adapters[1].Id, adapters[2].Id, adapters[3].Id);

        await Touch(cache, a);
        ServedAdapter bAdapter;
        using (var lease = await cache.AcquireAsync(b)) bAdapter = lease.Adapter;
        await Touch(cache, c);
        await Touch(cache, a); // b is now the least recently used
        Assert.Equal(3 * size, cache.UsedBytes);

        await Touch(cache, d);

        Assert.Equal(3 * size, cache.UsedBytes);
        Assert.Equal(AdapterState.Evicted, cache.Metrics(b)!.State);
        Assert.All(new[] { a, c, d }, id => Assert.Equal(AdapterState.Resident, cache.Metrics(id)!.State));
        Assert.True(bAdapter.IsDisposed);
        Assert.All(bAdapter.Layers.Values, w => Assert.True(w.A.IsInvalid && w.B.IsInvalid));

        await Touch(cache, b); // loads again, evicting c (a and d were used after it)
        Assert.Equal(2, cache.Metrics(b)!.Loads);
        Assert.Equal(AdapterState.Evicted, cache.Metrics(c)!.State);
        Assert.Equal([b, d, a, c], cache.AllMetrics().Select(m => m.Id));
        foreach (var adapter in adapters) adapter.Dispose();
    }

    [Fact]
    public async Task Pinned_and_in_use_adapters_are_never_evicted_and_a_full_cache_says_so()
    {
        var adapters = Adapters(3);
        var size = SizeOf(adapters[0]);
        using var cache = new AdapterCache(2 * size, ServingTestAdapter.Loader(adapters));
        var (a, b, c) = (adapters[0].Id, adapters[1].Id, adapters[2].Id);

        await cache.PinAsync(a);
        using (var inUse = await cache.AcquireAsync(b))
        {
            Assert.Equal(AdapterState.Pinned, cache.Metrics(a)!.State);
            Assert.Equal(1, cache.Metrics(b)!.InUse);
            var full = await Assert.ThrowsAsync<AdapterCacheFullException>(() => cache.AcquireAsync(c));
            Assert.Contains("pinned or in-use", full.Message);
            Assert.Equal(AdapterState.Evicted, cache.Metrics(c)!.State);
            Assert.False(inUse.Adapter.IsDisposed);
        }
        // b is free now: it goes, a stays.
        await Touch(cache, c);
        Assert.Equal(AdapterState.Evicted, cache.Metrics(b)!.State);
        Assert.Equal(AdapterState.Pinned, cache.Metrics(a)!.State);

        await cache.PinAsync(c);
        await Assert.ThrowsAsync<AdapterCacheFullException>(() => cache.AcquireAsync(b));
        cache.Unpin(a);
        await Touch(cache, b);
        Assert.Equal(AdapterState.Evicted, cache.Metrics(a)!.State);
        Assert.Equal(AdapterState.Pinned, cache.Metrics(c)!.State);
        Assert.Throws<InvalidOperationException>(() => cache.Unpin(a));
        Assert.Equal(2 * size, cache.UsedBytes);
        foreach (var adapter in adapters) adapter.Dispose();
    }

    [Fact]
    public async Task Concurrent_requests_for_a_missing_adapter_load_it_once_and_metrics_count_them()
    {
        using var trained = new ServingTestAdapter(Same, seed: 7);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loads = 0;
        using var cache = new AdapterCache(1 << 20, async (id, token) =>
        {
            Interlocked.Increment(ref loads);
            await gate.Task.WaitAsync(token);
            await Task.Delay(5, token);
            return trained.Bytes;
        });

        var requests = Enumerable.Range(0, 10).Select(_ => Task.Run(() => cache.AcquireAsync(trained.Id))).ToList();
        await Poll.UntilAsync(() => cache.Metrics(trained.Id)?.Requests == 10, "10 requests waiting on one load",
            () => $"{cache.Metrics(trained.Id)?.Requests.ToString() ?? "no"} requests");
        Assert.Equal(AdapterState.Loading, cache.Metrics(trained.Id)!.State);
        gate.SetResult();
        var leases = await Task.WhenAll(requests);

        Assert.Equal(1, loads);
        Assert.Single(leases.Select(l => l.Adapter).Distinct());
        var metrics = cache.Metrics(trained.Id)!;
        Assert.Equal((AdapterState.Resident, 10L, 1, 10), (metrics.State, metrics.Requests, metrics.Loads, metrics.InUse));
        Assert.True(metrics.LastLoadMilliseconds >= 5, $"load time {metrics.LastLoadMilliseconds} ms");
        Assert.Equal(SizeOf(trained), metrics.Bytes);
        foreach (var lease in leases) lease.Dispose();
        Assert.Equal(0, cache.Metrics(trained.Id)!.InUse);

        // A hit counts a request and no load.
        await Touch(cache, trained.Id);
        Assert.Equal((11L, 1), (cache.Metrics(trained.Id)!.Requests, cache.Metrics(trained.Id)!.Loads));
    }

    [Fact]
    public async Task An_artifact_that_does_not_hash_to_the_requested_id_is_refused()
    {
        using var trained = new ServingTestAdapter(Same, seed: 7);
        var wrong = Keccak256.Hash([1, 2, 3]);
        using var cache = new AdapterCache(1 << 20, (_, _) => Task.FromResult(trained.Bytes));
        await Assert.ThrowsAsync<InvalidDataException>(() => cache.AcquireAsync(wrong));
        Assert.Equal(AdapterState.Evicted, cache.Metrics(wrong)!.State);
        Assert.Equal(0, cache.UsedBytes);
    }

    [Fact]
    public void Resident_bytes_equal_the_raw_tensor_bytes_of_the_artifact()
    {
        foreach (var config in ServingTestAdapter.Mix)
        {
            using var trained = new ServingTestAdapter(config, seed: 9);
            using var adapter = ServedAdapter.Parse(trained.Id, trained.Bytes);
            var parameters = trained.Adapter.ParameterCount * sizeof(float);
            var ratio = (double)adapter.ResidentBytes / adapter.RawBytes;
            output.WriteLine($"rank {config.Rank} [{string.Join(",", config.TargetModules)}]: resident {adapter.ResidentBytes} B, " +
                             $"raw tensors {adapter.RawBytes} B, file {trained.Bytes.Length} B, ratio {ratio:F4}");
            Assert.Equal(parameters, adapter.RawBytes);
            Assert.Equal(1.0, ratio);
            Assert.All(adapter.Layers.Values, w => Assert.True(w.A.is_contiguous() && w.B.is_contiguous()));
            Assert.Equal(trained.Adapter.Config.Scaling, adapter.Layers.Values.First().Scaling);
        }
    }
}
