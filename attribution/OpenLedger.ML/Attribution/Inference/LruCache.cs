namespace OpenLedger.ML.Attribution.Inference;

/// <summary>A small least-recently-used map (a handful of entries: the adapters and indexes of the models being
/// served), disposing what it evicts when that is disposable. Not thread-safe: its owner serialises calls.</summary>
internal sealed class LruCache<TKey, TValue>(int capacity) : IDisposable where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _byKey = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _recentFirst = new();

    public int Count => _byKey.Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_byKey.TryGetValue(key, out var node))
        {
            _recentFirst.Remove(node);
            _recentFirst.AddFirst(node);
            value = node.Value.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Add(TKey key, TValue value)
    {
        if (_byKey.Remove(key, out var existing))
        {
            _recentFirst.Remove(existing);
            (existing.Value.Value as IDisposable)?.Dispose();
        }
        _byKey[key] = _recentFirst.AddFirst((key, value));
        while (_byKey.Count > Math.Max(1, capacity))
        {
            var last = _recentFirst.Last!;
            _recentFirst.RemoveLast();
            _byKey.Remove(last.Value.Key);
            (last.Value.Value as IDisposable)?.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var (_, value) in _recentFirst) (value as IDisposable)?.Dispose();
        _recentFirst.Clear();
        _byKey.Clear();
    }
}
