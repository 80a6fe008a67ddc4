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

    private static readonly Lock Gate = new();
    private static HashSet<Hash32> _current = [];
    private static HashSet<Hash32> _previous = [];

    public static void Add(ReadOnlySpan<byte> raw)
    {
        var key = Keccak256.Hash(raw);
        lock (Gate)
        {
            if (_current.Count >= GenerationSize)
            {
                _previous = _current;
                _current = [];
            }
            _current.Add(key);
        }
    }

    public static bool Contains(ReadOnlySpan<byte> raw)
    {
        var key = Keccak256.Hash(raw);
        lock (Gate) return _current.Contains(key) || _previous.Contains(key);
    }
}
