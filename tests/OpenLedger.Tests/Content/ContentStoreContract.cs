using System.Text;
using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;
using OpenLedger.Storage.Content;

namespace OpenLedger.Tests.Content;

/// <summary>The content store's behaviour, run against each real database (SQLite file, PostgreSQL server).</summary>
public abstract class ContentStoreContract
{
    /// <summary>A store on a fresh, empty database (schema not yet applied).</summary>
    protected abstract Task<SqlContentStore> NewStoreAsync(string name, long maxBytes = SqlContentStore.DefaultMaxBytes);

    /// <summary>A store on the same database as <paramref name="store"/>: another silo, say.</summary>
    protected abstract SqlContentStore SameDatabase(SqlContentStore store);

    protected abstract Task<long> CountRowsAsync(SqlContentStore store);

    private async Task<SqlContentStore> ReadyStoreAsync(string name, long maxBytes = SqlContentStore.DefaultMaxBytes)
    {
        var store = await NewStoreAsync(name, maxBytes);
        await store.EnsureSchemaAsync();
        await store.EnsureSchemaAsync(); // idempotent
        return store;
    }

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Put_then_get_round_trips_bytes_and_info()
    {
        var store = await ReadyStoreAsync("content_roundtrip");
        var content = U("Line one\r\nLine  two\r\n");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var info = await store.PutAsync(content);

        var digest = ContentHashes.Compute(content);
        Assert.Equal(digest.ContentHash, info.Hash);
        Assert.Equal(digest.NormalizedHash, info.NormalizedHash);
        Assert.Equal(content.Length, info.Size);
        Assert.Equal(MinHash.Signature(content), info.MinHash);
        Assert.InRange(info.CreatedMs, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        Assert.Equal(content, await store.GetAsync(info.Hash));
        var read = await SameDatabase(store).GetInfoAsync(info.Hash);
        Assert.NotNull(read);
        Assert.Equal((info.Hash, info.NormalizedHash, info.Size, info.CreatedMs), (read.Hash, read.NormalizedHash, read.Size, read.CreatedMs));
        Assert.Equal(info.MinHash, read.MinHash);
    }

    [Fact]
    public async Task A_mebibyte_of_alternating_combining_marks_is_stored_within_seconds()
    {
        // Once an upload like this one held a thread for minutes (normalisation was quadratic in a run of marks).
        var store = await ReadyStoreAsync("content_marks");
        var content = UnicodeNfcTests.AlternatingMarks(1 << 20);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var info = await store.PutAsync(content);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        Assert.Equal(ContentHashes.Compute(content).NormalizedHash, info.NormalizedHash);
        Assert.NotNull(info.MinHash);
        Assert.Equal(content, await store.GetAsync(info.Hash));
    }

    [Fact]
    public async Task Binary_content_is_stored_without_a_signature()
    {
        var store = await ReadyStoreAsync("content_binary");
        var content = new byte[] { 0x00, 0xFF, 0xFE, 0x80, 0x41, 0x20, 0x20 };
        var info = await store.PutAsync(content);
        Assert.Null(info.MinHash);
        Assert.Equal(info.Hash, info.NormalizedHash);
        Assert.Null((await store.GetInfoAsync(info.Hash))!.MinHash);
        Assert.Equal(content, await store.GetAsync(info.Hash));

        // Empty content is valid (empty text).
        var empty = await store.PutAsync(ReadOnlyMemory<byte>.Empty);
        Assert.Equal(0, empty.Size);
        Assert.Equal(Array.Empty<byte>(), await store.GetAsync(empty.Hash));
    }

    [Fact]
    public async Task Putting_the_same_bytes_twice_keeps_one_row_and_the_first_info()
    {
        var store = await ReadyStoreAsync("content_idempotent");
        var first = await store.PutAsync(U("same bytes"));
        await Task.Delay(5);
        // From a slice of a larger array too: the store must use exactly the given bytes.
        var padded = U("xxsame bytesyy");
        var second = await SameDatabase(store).PutAsync(padded.AsMemory(2, 10));
        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(first.CreatedMs, second.CreatedMs);
        Assert.Equal(1, await CountRowsAsync(store));

        // Exact duplicates after normalization are different content with the same normalized hash.
        var spaced = await store.PutAsync(U("  same\n bytes\n"));
        Assert.NotEqual(first.Hash, spaced.Hash);
        Assert.Equal(first.NormalizedHash, spaced.NormalizedHash);
        Assert.Equal(2, await CountRowsAsync(store));

        // New content given as a slice is stored as exactly that slice.
        var sliced = await store.PutAsync(U("xxnew sliceyy").AsMemory(2, 9));
        Assert.Equal(U("new slice"), await store.GetAsync(sliced.Hash));
        Assert.Equal(3, await CountRowsAsync(store));
    }

    [Fact]
    public async Task Concurrent_puts_of_the_same_content_produce_one_row_and_no_error()
    {
        var store = await ReadyStoreAsync("content_concurrent");
        var content = U(MinHashTests.Text(42, 2_000));
        var stores = Enumerable.Range(0, 4).Select(_ => SameDatabase(store)).ToArray();
        using var start = new ManualResetEventSlim();
        var puts = Enumerable.Range(0, 16)
            .Select(i => Task.Run(async () => { start.Wait(); return await stores[i % stores.Length].PutAsync(content); }))
            .ToArray();
        start.Set();
        var infos = await Task.WhenAll(puts);
        Assert.Single(infos.Select(i => (i.Hash, i.CreatedMs)).Distinct());
        Assert.Equal(1, await CountRowsAsync(store));
        Assert.Equal(content, await store.GetAsync(infos[0].Hash));
    }

    [Fact]
    public async Task GetInfos_returns_the_stored_ones_of_a_batch()
    {
        var store = await ReadyStoreAsync("content_batch");
        var stored = new List<ContentInfo>();
        for (int i = 0; i < 20; i++) stored.Add(await store.PutAsync(U($"contribution number {i}")));
        var missing = Keccak256.Hash("never stored");
        var ask = stored.Where((_, i) => i % 2 == 0).Select(s => s.Hash).Append(missing).Append(stored[0].Hash).ToList();

        var infos = await store.GetInfosAsync(ask);
        Assert.Equal(10, infos.Count);
        Assert.False(infos.ContainsKey(missing));
        foreach (var s in stored.Where((_, i) => i % 2 == 0))
        {
            Assert.Equal(s.NormalizedHash, infos[s.Hash].NormalizedHash);
            Assert.Equal(s.Size, infos[s.Hash].Size);
            Assert.Equal(s.MinHash, infos[s.Hash].MinHash);
        }
        Assert.Empty(await store.GetInfosAsync([]));
        Assert.Empty(await store.GetInfosAsync([missing]));
    }

    [Fact]
    public async Task A_missing_hash_reads_as_null()
    {
        var store = await ReadyStoreAsync("content_missing");
        await store.PutAsync(U("something else"));
        Assert.Null(await store.GetAsync(Keccak256.Hash("absent")));
        Assert.Null(await store.GetInfoAsync(Keccak256.Hash("absent")));
    }

    [Fact]
    public async Task Too_large_content_throws_and_writes_nothing()
    {
        var store = await ReadyStoreAsync("content_too_large", maxBytes: 1_000);
        var ok = await store.PutAsync(new byte[1_000]);
        var big = new byte[1_001];
        big[0] = 1;
        var e = await Assert.ThrowsAsync<ContentTooLargeException>(() => store.PutAsync(big));
        Assert.Equal(1_000, e.Limit);
        Assert.Equal(1_001, e.Size);
        Assert.Equal(1, await CountRowsAsync(store));
        Assert.Null(await store.GetInfoAsync(Keccak256.Hash(big)));
        Assert.NotNull(await store.GetInfoAsync(ok.Hash));

        // The default safety limit is 64 MiB (room for Model Factory's adapters).
        var defaults = SameDatabase(store);
        Assert.Equal(64L * 1024 * 1024, new SqlContentStore(defaults.Backend, "unused").MaxBytes);
        await Assert.ThrowsAsync<ContentTooLargeException>(() => new SqlContentStore(defaults.Backend, "unused").PutAsync(new byte[64 * 1024 * 1024 + 1]));
    }
}
