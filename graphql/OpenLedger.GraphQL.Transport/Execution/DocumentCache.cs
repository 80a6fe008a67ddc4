namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// Documents that parsed, passed <see cref="DocumentShape"/> and the specification's validation, kept by their text and
/// operation name, so a client repeating a query skips parsing and validation (GraphQL.NET's <c>MemoryDocumentCache</c>
/// idea: only a document whose execution started is kept). What a cached document still runs each time is what can
/// depend on the request's variables: variable coercion, and the cost rule when the operation declares variables (a
/// page size or an <c>@skip(if: $v)</c> given by a variable); see <see cref="GraphQLOperationExecutor"/>.
/// <para>
/// Bounded by <see cref="GraphQLLimits.DocumentCacheEntries"/> and <see cref="GraphQLLimits.DocumentCacheBytes"/> (the
/// texts' UTF-16 size; the parsed tree refers into the text and is a small multiple of it). Least recently used entries
/// go first: a lookup and an insert are O(1), an eviction O(1) per entry evicted, and each entry is evicted at most once,
/// so a client sending only new documents costs O(1) amortised per request here, on top of the parse and validation it
/// pays anyway. A document larger than an eighth of the byte budget is never kept, so one request cannot flush the cache.
/// </para>
/// </summary>
internal sealed class DocumentCache
{
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly Dictionary<Key, Entry> _entries = [];
    private readonly Lock _lock = new();
    private Entry? _newest;
    private Entry? _oldest;
    private long _bytes;

    public DocumentCache(int maxEntries, long maxBytes)
    {
        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
    }

    private readonly record struct Key(string Query, string? OperationName);

    private sealed class Entry(Key key, OperationDocument document, long bytes)
    {
        public Key Key { get; } = key;
        public OperationDocument Document { get; } = document;
        public long Bytes { get; } = bytes;
        public Entry? Newer { get; set; }
        public Entry? Older { get; set; }
    }

    /// <summary>Entries held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    /// <summary>Bytes of document text held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock) return _bytes;
        }
    }

    /// <summary>The cached document for this text and operation name, or a fresh parse (not cached until it is validated).</summary>
    public OperationDocument GetOrParse(string query, string? operationName)
    {
        if (TryGet(query, operationName) is { } cached) return cached;
        return OperationDocument.Parse(query, operationName);
    }

    public OperationDocument? TryGet(string query, string? operationName)
    {
        if (_maxEntries == 0) return null;
        lock (_lock)
        {
            if (!_entries.TryGetValue(new Key(query, operationName), out var entry)) return null;
            Unlink(entry);
            LinkNewest(entry);
            return entry.Document;
        }
    }

    /// <summary>Keeps a document that passed validation; evicts the least recently used entries to make room.</summary>
    public void Add(string query, string? operationName, OperationDocument validated)
    {
        var bytes = ((long)query.Length + (operationName?.Length ?? 0)) * sizeof(char);
        if (_maxEntries == 0 || bytes > _maxBytes / 8) return;
        var key = new Key(query, operationName);
        lock (_lock)
        {
            if (_entries.ContainsKey(key)) return; // another request validated the same text meanwhile
            while (_oldest is { } oldest && (_entries.Count >= _maxEntries || _bytes + bytes > _maxBytes))
            {
                Unlink(oldest);
                _entries.Remove(oldest.Key);
                _bytes -= oldest.Bytes;
            }
            var entry = new Entry(key, validated, bytes);
            _entries.Add(key, entry);
            _bytes += bytes;
            LinkNewest(entry);
        }
    }

    private void Unlink(Entry entry)
    {
        if (entry.Newer is { } newer) newer.Older = entry.Older; else _newest = entry.Older;
        if (entry.Older is { } older) older.Newer = entry.Newer; else _oldest = entry.Newer;
        entry.Newer = entry.Older = null;
    }

    private void LinkNewest(Entry entry)
    {
        entry.Older = _newest;
        if (_newest is { } newest) newest.Newer = entry; else _oldest = entry;
        _newest = entry;
    }
}
