using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Transactions;

/// <summary>
/// The transaction encodings whose signatures this process has checked lately, by the Keccak-256 of their bytes
/// (signature included, so the same body under another signature is not covered). A transaction that crosses the
/// wire between silos is verified again on arrival (<see cref="TransactionVerifier.Reverify"/>); this lets a silo
/// skip the recovery for bytes it verified itself a moment ago. Bounded: two generations of at most
/// <see cref="GenerationSize"/> entries; the older is dropped when the newer fills.
/// </summary>
public static class RecentlyVerified
{
    public const int GenerationSize = 65_536;

    private static readonly TwoGenerationSet Keys = new(GenerationSize);

    public static void Add(ReadOnlySpan<byte> raw) => Keys.Add(Keccak256.Hash(raw));

    public static bool Contains(ReadOnlySpan<byte> raw) => Keys.Contains(Keccak256.Hash(raw));
}

/// <summary>A set that remembers the last one to two generations of keys: when the current generation fills, the
/// previous one is forgotten and the current one becomes it. Both sets are allocated once at full size and reused
/// (cleared, which keeps their capacity): growing a fresh set to 65,536 keys allocated ~5 MB of large-object arrays
/// per generation, every few seconds at a node's full rate, and such arrays are collected only by gen2 collections.
/// Thread-safe.</summary>
internal sealed class TwoGenerationSet(int generationSize)
{
    private readonly Lock _gate = new();
    private HashSet<Hash32> _current = new(generationSize);
    private HashSet<Hash32> _previous = new(generationSize);

    public void Add(Hash32 key)
    {
        lock (_gate)
        {
            if (_current.Count >= generationSize)
            {
                (_previous, _current) = (_current, _previous);
                _current.Clear();
            }
            _current.Add(key);
        }
    }

    public bool Contains(Hash32 key)
    {
        lock (_gate) return _current.Contains(key) || _previous.Contains(key);
    }
}
