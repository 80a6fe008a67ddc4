using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.SafeTensors;

namespace OpenLedger.ML.Serving;

/// <summary>The adapters OpenLoRA keeps in memory beside its one base model, by artifact hash, within a byte budget.
/// A missing adapter is loaded just in time through the loader (the node's content store), once however many requests
/// wait for it (single flight), and checked against its hash. When a new adapter does not fit, the least recently used
/// adapters that are neither pinned nor in use (<see cref="AdapterLease"/>) are evicted and their tensors freed.
/// An artifact that is not an adapter, or not one for the base model (<see cref="AdapterValidator"/>), is refused at
/// load and quarantined (as is an adapter the engine caught failing a forward pass, <see cref="Quarantine"/>): later
/// requests for it are refused at once, without reading the store again, until an operator clears it.
/// Thread-safe.</summary>
/// <remarks>Accounted bytes are the adapters' tensor bytes (<see cref="ServedAdapter.ResidentBytes"/>); per-adapter
/// metrics are kept after eviction, so the table grows with the number of distinct adapters ever requested; the
/// quarantine holds at most its capacity of verdicts.</remarks>
public sealed class AdapterCache : IDisposable
{
    /// <summary>The default number of quarantine verdicts kept (a few hundred bytes each).</summary>
    public const int DefaultQuarantineCapacity = 4096;

    private readonly Func<Hash32, CancellationToken, Task<byte[]>> _loader;
    private readonly AdapterValidator? _validator;
    private readonly AdapterQuarantine _quarantine;
    private readonly Dictionary<Hash32, Entry> _entries = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private long _used;
    private long _tick;
    private bool _disposed;

    /// <param name="budgetBytes">The most tensor bytes resident at once.</param>
    /// <param name="loader">Fetches an adapter's safetensors artifact by its keccak256.</param>
    /// <param name="validator">Checks each loaded adapter against the base model it will run on; null checks only that
    /// the artifact is a LoRA adapter (<see cref="ServedAdapter.Parse"/>).</param>
    /// <param name="quarantineCapacity">The most quarantine verdicts kept (the oldest is forgotten first).</param>
    public AdapterCache(long budgetBytes, Func<Hash32, CancellationToken, Task<byte[]>> loader, AdapterValidator? validator = null,
        int quarantineCapacity = DefaultQuarantineCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetBytes);
        BudgetBytes = budgetBytes;
        _loader = loader;
        _validator = validator;
        _quarantine = new AdapterQuarantine(quarantineCapacity);
    }

    public long BudgetBytes { get; }

    /// <summary>Tensor bytes of the resident adapters.</summary>
    public long UsedBytes
    {
        get { lock (_gate) return _used; }
    }

    /// <summary>The resident adapter <paramref name="id"/>, loaded first if needed, held until the lease is disposed.
    /// Throws <see cref="InvalidAdapterException"/> when the adapter is quarantined or its artifact is refused now (it is
    /// then quarantined), <see cref="AdapterCacheFullException"/> when it cannot fit, <see cref="InvalidDataException"/>
    /// when the store's bytes do not hash to <paramref name="id"/> (the store's fault, not the adapter's: not
    /// quarantined), and whatever the loader throws.</summary>
    public async Task<AdapterLease> AcquireAsync(Hash32 id, CancellationToken cancellationToken = default)
    {
        var counted = false;
        while (true)
        {
            Entry entry;
            Task<ServedAdapter> loading;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_entries.TryGetValue(id, out entry!)) _entries[id] = entry = new Entry(id);
                if (!counted) entry.Requests++;
                counted = true;
                if (_quarantine.ReasonOf(id) is { } reason) throw new InvalidAdapterException(id, reason);
                if (entry.Adapter is { } resident) return Lease(entry, resident);
                // Started outside the lock (Task.Run) so a synchronous loader never runs while holding it; the
                // completion takes the lock, so it cannot clear Loading before it is set here.
                loading = entry.Loading ??= Task.Run(() => LoadAsync(entry));
            }
            var adapter = await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                // Evicted between the load and now (other adapters needed the room): load it again.
                if (ReferenceEquals(entry.Adapter, adapter)) return Lease(entry, adapter);
            }
        }
    }

    /// <summary>Loads <paramref name="id"/> if needed and keeps it resident until as many <see cref="Unpin"/>s.</summary>
    public async Task PinAsync(Hash32 id, CancellationToken cancellationToken = default)
    {
        using var lease = await AcquireAsync(id, cancellationToken).ConfigureAwait(false);
        lock (_gate) _entries[id].Pins++;
    }

    /// <summary>Makes <paramref name="id"/> evictable again (once its last pin is gone).</summary>
    public void Unpin(Hash32 id)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out var entry) || entry.Pins == 0)
                throw new InvalidOperationException($"adapter {id} is not pinned");
            entry.Pins--;
        }
    }

    /// <summary>Frees a resident adapter now (administration). Refused while it is pinned or a batch holds it;
    /// its metrics stay. Returns false when it was not resident.</summary>
    public bool Unload(Hash32 id)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out var entry) || entry.Adapter is null) return false;
            if (entry.Pins > 0) throw new InvalidOperationException($"adapter {id} is pinned: unpin it first");
            if (entry.Leases > 0) throw new InvalidOperationException($"adapter {id} is serving a batch");
            Evict(entry);
            return true;
        }
    }

    /// <summary>Refuses <paramref name="id"/> from now on with <paramref name="reason"/> (the engine calls this for an
    /// adapter that failed a forward pass that the base model alone ran). A resident copy is freed as soon as no batch
    /// holds it, pinned or not: a quarantined adapter is never served.</summary>
    public void Quarantine(Hash32 id, string reason)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _quarantine.Add(id, reason);
            if (!_entries.TryGetValue(id, out var entry)) _entries[id] = entry = new Entry(id);
            entry.Pins = 0;
            if (entry.Leases == 0) Evict(entry);
        }
    }

    /// <summary>Why <paramref name="id"/> is quarantined, or null when it is not: the engine's fast path, which
    /// refuses such a request before it waits for a batch.</summary>
    public string? QuarantineReason(Hash32 id)
    {
        lock (_gate) return _quarantine.ReasonOf(id);
    }

    /// <summary>Forgets the verdict on <paramref name="id"/> (administration): its next request reads and checks the
    /// artifact again. False when it was not quarantined.</summary>
    public bool ClearQuarantine(Hash32 id)
    {
        lock (_gate) return _quarantine.Remove(id);
    }

    public AdapterMetrics? Metrics(Hash32 id)
    {
        lock (_gate) return _entries.TryGetValue(id, out var entry) ? entry.Snapshot(_quarantine.ReasonOf(id)) : null;
    }

    /// <summary>Every adapter ever requested, most recently used first.</summary>
    public IReadOnlyList<AdapterMetrics> AllMetrics()
    {
        lock (_gate) return _entries.Values.OrderByDescending(e => e.LastUse).Select(e => e.Snapshot(_quarantine.ReasonOf(e.Id))).ToList();
    }

    /// <summary>Frees every resident adapter; loads in flight are cancelled.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var entry in _entries.Values) Evict(entry);
        }
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    internal void Release(ServedAdapter adapter)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(adapter.Id, out var entry) || !ReferenceEquals(entry.Adapter, adapter)) return;
            entry.Leases--;
            // Quarantined while a batch held it: freed by the last batch out.
            if (entry.Leases == 0 && _quarantine.ReasonOf(entry.Id) is not null) Evict(entry);
        }
    }

    private AdapterLease Lease(Entry entry, ServedAdapter adapter)
    {
        entry.Leases++;
        entry.LastUse = ++_tick;
        return new AdapterLease(this, adapter);
    }

    private async Task<ServedAdapter> LoadAsync(Entry entry)
    {
        var clock = Stopwatch.StartNew();
        ServedAdapter? adapter = null;
        try
        {
            var bytes = await _loader(entry.Id, _lifetime.Token).ConfigureAwait(false);
            var hash = SafeTensorsFile.Hash(bytes);
            if (hash != entry.Id) throw new InvalidDataException($"the artifact loaded for adapter {entry.Id} hashes to {hash}");
            adapter = Checked(entry.Id, bytes);
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                // Quarantined by the engine while this load ran (an earlier copy failed a batch): never resident again.
                if (_quarantine.ReasonOf(entry.Id) is { } reason) throw new InvalidAdapterException(entry.Id, reason);
                MakeRoom(entry.Id, adapter.ResidentBytes);
                entry.Adapter = adapter;
                entry.Loading = null;
                entry.Loads++;
                entry.LastLoadMilliseconds = clock.Elapsed.TotalMilliseconds;
                entry.Bytes = adapter.ResidentBytes;
                entry.LastUse = ++_tick;
                _used += adapter.ResidentBytes;
            }
            return adapter;
        }
        catch
        {
            adapter?.Dispose();
            lock (_gate) entry.Loading = null;
            throw;
        }
    }

    /// <summary>The adapter in <paramref name="bytes"/> if it is one and the validator accepts it; otherwise it is
    /// quarantined and <see cref="InvalidAdapterException"/> thrown. These bytes are what <paramref name="id"/> names,
    /// so the verdict is final for them.</summary>
    private ServedAdapter Checked(Hash32 id, byte[] bytes)
    {
        string reason;
        try
        {
            var adapter = ServedAdapter.Parse(id, bytes);
            var problem = _validator?.Problem(adapter);
            if (problem is null) return adapter;
            adapter.Dispose();
            reason = problem;
        }
        catch (InvalidDataException e)
        {
            // Parse's messages start with the adapter's id, which the refusal names already.
            var prefix = $"adapter {id}: ";
            reason = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _quarantine.Add(id, reason);
        }
        throw new InvalidAdapterException(id, reason);
    }

    /// <summary>Evicts least recently used free adapters until <paramref name="bytes"/> more fit, or throws before
    /// evicting anything when they cannot.</summary>
    private void MakeRoom(Hash32 id, long bytes)
    {
        var free = _entries.Values.Where(e => e.Adapter is not null && e.Pins == 0 && e.Leases == 0).OrderBy(e => e.LastUse).ToList();
        var held = _used - free.Sum(e => e.Bytes);
        if (held + bytes > BudgetBytes) throw new AdapterCacheFullException(id, bytes, BudgetBytes, held);
        foreach (var victim in free)
        {
            if (_used + bytes <= BudgetBytes) break;
            Evict(victim);
        }
    }

    private void Evict(Entry entry)
    {
        if (entry.Adapter is null) return;
        _used -= entry.Adapter.ResidentBytes;
        entry.Adapter.Dispose();
        entry.Adapter = null;
    }

    private sealed class Entry(Hash32 id)
    {
        public Hash32 Id { get; } = id;
        public ServedAdapter? Adapter { get; set; }
        public Task<ServedAdapter>? Loading { get; set; }
        public int Pins { get; set; }
        public int Leases { get; set; }
        public long Requests { get; set; }
        public int Loads { get; set; }
        public double LastLoadMilliseconds { get; set; }
        public long Bytes { get; set; }
        public long LastUse { get; set; }

        public AdapterMetrics Snapshot(string? quarantineReason)
        {
            var state = quarantineReason is not null ? AdapterState.Quarantined
                : Adapter is not null ? (Pins > 0 ? AdapterState.Pinned : AdapterState.Resident)
                : Loading is not null ? AdapterState.Loading : AdapterState.Evicted;
            return new AdapterMetrics(Id, state, Requests, Loads, LastLoadMilliseconds, Bytes, Leases, quarantineReason);
        }
    }
}
