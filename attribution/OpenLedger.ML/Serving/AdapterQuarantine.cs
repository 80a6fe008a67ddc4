using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Serving;

/// <summary>The adapters an <see cref="AdapterCache"/> refuses to serve, by artifact hash, each with its reason. An
/// artifact is named by its keccak256, so a verdict on its bytes against this silo's base model does not go stale: it
/// holds until an operator clears it. Bounded: past <see cref="Capacity"/> verdicts the oldest is forgotten, which costs
/// only one more read and refusal of that adapter if it is ever asked for again. Not thread-safe: the cache holds its
/// lock around every call.</summary>
internal sealed class AdapterQuarantine
{
    private readonly Dictionary<Hash32, LinkedListNode<(Hash32 Id, string Reason)>> _byId = new();
    private readonly LinkedList<(Hash32 Id, string Reason)> _oldestFirst = new();

    public AdapterQuarantine(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _byId.Count;

    public string? ReasonOf(Hash32 id) => _byId.TryGetValue(id, out var node) ? node.Value.Reason : null;

    /// <summary>Quarantines <paramref name="id"/>; a later reason replaces an earlier one and counts as the newest
    /// verdict. Forgets the oldest verdict when there are more than <see cref="Capacity"/>.</summary>
    public void Add(Hash32 id, string reason)
    {
        Remove(id);
        _byId[id] = _oldestFirst.AddLast((id, reason));
        if (_byId.Count > Capacity) Remove(_oldestFirst.First!.Value.Id);
    }

    /// <summary>Forgets the verdict on <paramref name="id"/>; false when there was none.</summary>
    public bool Remove(Hash32 id)
    {
        if (!_byId.Remove(id, out var node)) return false;
        _oldestFirst.Remove(node);
        return true;
    }
}
