using OpenLedger.Core.Crypto;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;

namespace OpenLedger.Tests.ML;

/// <summary>A refused adapter is remembered by its hash: later requests are refused at once with the same code and
/// reason, without reading the store; an operator can clear the verdict; the memory of verdicts is bounded.</summary>
public class ServingQuarantineTests
{
    static ServingQuarantineTests() => TorchRuntime.EnsureLoaded();

    private static (byte[] Bytes, Hash32 Id) MisShaped(int seedLayer = 0) =>
        ServingTestAdapter.Artifact([($"h.{seedLayer}.attn.c_attn", [4, 64], [96, 4])]);

    [Fact]
    public async Task A_second_request_for_a_quarantined_adapter_is_refused_without_touching_the_loader()
    {
        var bad = MisShaped();
        using var model = new Gpt2Model(ServingTestAdapter.Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        var loader = new ServingTestAdapter.CountingLoader([bad]);
        using var cache = new AdapterCache(1 << 22, loader.LoadAsync, AdapterValidator.For(serving));
        await using var engine = new LoraServingEngine(serving, cache);

        var first = await Assert.ThrowsAsync<InvalidAdapterException>(() => engine.GenerateAsync(new GenerationRequest(bad.Id, [1, 2, 3], 2)));
        Assert.Equal(1, loader.Calls);

        // Refused before it queues: the task has failed already when GenerateAsync returns.
        var again = engine.GenerateAsync(new GenerationRequest(bad.Id, [4, 5], 2));
        Assert.True(again.IsFaulted);
        var second = await Assert.ThrowsAsync<InvalidAdapterException>(() => again);
        var third = await Assert.ThrowsAsync<InvalidAdapterException>(() => cache.AcquireAsync(bad.Id));
        Assert.Equal((first.Reason, first.Reason), (second.Reason, third.Reason));
        Assert.Equal(1, loader.Calls);
        Assert.Equal(AdapterState.Quarantined, cache.Metrics(bad.Id)!.State);
    }

    [Fact]
    public async Task Clearing_a_quarantine_lets_the_next_request_read_and_check_the_artifact_again()
    {
        var bad = MisShaped();
        using var model = new Gpt2Model(ServingTestAdapter.Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        var loader = new ServingTestAdapter.CountingLoader([bad]);
        using var cache = new AdapterCache(1 << 22, loader.LoadAsync, AdapterValidator.For(serving));
        await Assert.ThrowsAsync<InvalidAdapterException>(() => cache.AcquireAsync(bad.Id));

        Assert.True(cache.ClearQuarantine(bad.Id));
        Assert.False(cache.ClearQuarantine(bad.Id));
        Assert.Equal(AdapterState.Evicted, cache.Metrics(bad.Id)!.State);
        Assert.Null(cache.Metrics(bad.Id)!.QuarantineReason);

        // Its bytes have not changed, so it is read, refused and quarantined again.
        await Assert.ThrowsAsync<InvalidAdapterException>(() => cache.AcquireAsync(bad.Id));
        Assert.Equal(2, loader.Calls);
        Assert.Equal(AdapterState.Quarantined, cache.Metrics(bad.Id)!.State);
    }

    [Fact]
    public async Task A_resident_adapter_quarantined_while_a_batch_holds_it_is_freed_when_the_batch_ends_and_never_leased_again()
    {
        using var good = new ServingTestAdapter(ServingTestAdapter.Mix[0], seed: 5);
        using var cache = new AdapterCache(1 << 22, ServingTestAdapter.Loader([good]));
        await cache.PinAsync(good.Id);
        var lease = await cache.AcquireAsync(good.Id);

        cache.Quarantine(good.Id, "a forward pass with it failed: test");

        Assert.False(lease.Adapter.IsDisposed);
        Assert.Equal(AdapterState.Quarantined, cache.Metrics(good.Id)!.State);
        await Assert.ThrowsAsync<InvalidAdapterException>(() => cache.AcquireAsync(good.Id));
        lease.Dispose();
        Assert.True(lease.Adapter.IsDisposed);
        Assert.Equal(0, cache.UsedBytes);
    }

    [Fact]
    public async Task The_quarantine_keeps_at_most_its_capacity_forgetting_the_oldest_verdict_first()
    {
        var bad = Enumerable.Range(0, 2).Select(MisShaped).Concat([ServingTestAdapter.Artifact([("h.0.mlp.c_fc", [4, 32], [7, 4])])]).ToList();
        using var model = new Gpt2Model(ServingTestAdapter.Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        var loader = new ServingTestAdapter.CountingLoader(bad);
        using var cache = new AdapterCache(1 << 22, loader.LoadAsync, AdapterValidator.For(serving), quarantineCapacity: 2);

        foreach (var (_, id) in bad) await Assert.ThrowsAsync<InvalidAdapterException>(() => cache.AcquireAsync(id));

        Assert.Null(cache.QuarantineReason(bad[0].Id));
        Assert.NotNull(cache.QuarantineReason(bad[1].Id));
        Assert.NotNull(cache.QuarantineReason(bad[2].Id));
        Assert.Equal(AdapterState.Evicted, cache.Metrics(bad[0].Id)!.State);
        // Forgotten means only read and refused once more.
        await Assert.ThrowsAsync<InvalidAdapterException>(() => cache.AcquireAsync(bad[0].Id));
        Assert.Equal(4, loader.Calls);
        Assert.Null(cache.QuarantineReason(bad[1].Id));
    }

    [Fact]
    public async Task An_adapter_missing_from_the_store_or_whose_bytes_do_not_match_its_hash_is_not_quarantined()
    {
        using var good = new ServingTestAdapter(ServingTestAdapter.Mix[0], seed: 5);
        var missing = Keccak256.Hash("not stored yet");
        using var cache = new AdapterCache(1 << 22, (id, _) => id == missing ? throw new FileNotFoundException("not stored") : Task.FromResult(good.Bytes));

        await Assert.ThrowsAsync<FileNotFoundException>(() => cache.AcquireAsync(missing));
        var other = Keccak256.Hash("the store answers another artifact");
        await Assert.ThrowsAsync<InvalidDataException>(() => cache.AcquireAsync(other));

        // Both may come right (the content uploaded, the store repaired): neither is a verdict on the adapter's bytes.
        Assert.Equal((AdapterState.Evicted, AdapterState.Evicted), (cache.Metrics(missing)!.State, cache.Metrics(other)!.State));
        Assert.Null(cache.QuarantineReason(missing));
        Assert.Null(cache.QuarantineReason(other));
    }
}
