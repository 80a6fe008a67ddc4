using OpenLedger.Core.Crypto;
using OpenLedger.Core.Merkle;

namespace OpenLedger.Core.Market;

/// <summary>The whole ledger state in memory: every account, in the order it first appeared (its index in the
/// accounts tree), the marketplace objects (<see cref="Market"/>), and the roots that make the block header's state
/// root.</summary>
public sealed class LedgerState
{
    private readonly Dictionary<Address, int> _index = [];
    private readonly List<(Address Address, AccountState State)> _accounts = [];
    private readonly IncrementalMerkleTree _tree = new();
    // Accounts whose tree item (their commitment) is stale: hashed when a root is asked for, not at every Set. A block
    // sets its producer once per transaction and a sender twice (fee, then transfer); each is hashed once per block.
    private readonly List<int> _stale = [];
    private bool[] _isStale = new bool[64];

    public int AccountCount => _accounts.Count;

    public MarketState Market { get; } = new();

    public AccountState Get(Address address) =>
        _index.TryGetValue(address, out var i) ? _accounts[i].State : AccountState.Empty;

    public bool Exists(Address address) => _index.ContainsKey(address);

    public int IndexOf(Address address) => _index.TryGetValue(address, out var i) ? i : -1;

    /// <summary>Sets an account, appending it to the tree if it is new; returns its index.</summary>
    public int Set(Address address, AccountState state)
    {
        if (_index.TryGetValue(address, out var i))
        {
            _accounts[i] = (address, state);
            MarkStale(i);
            return i;
        }
        i = _accounts.Count;
        _index[address] = i;
        _accounts.Add((address, state));
        _tree.Add(Hash32.Zero); // its commitment is computed with the next root
        MarkStale(i);
        return i;
    }

    private void MarkStale(int index)
    {
        if (index >= _isStale.Length) Array.Resize(ref _isStale, Math.Max(index + 1, _isStale.Length * 2));
        if (_isStale[index]) return;
        _isStale[index] = true;
        _stale.Add(index);
    }

    /// <summary>Hands the tree the current commitment of every account set since the last root.</summary>
    private IncrementalMerkleTree Tree()
    {
        foreach (var i in _stale)
        {
            _isStale[i] = false;
            var (address, state) = _accounts[i];
            _tree.Set(i, state.Commitment(address));
        }
        _stale.Clear();
        return _tree;
    }

    /// <summary>Loads an account at a known index (when rebuilding from storage); indexes must arrive in order.</summary>
    public void Load(int index, Address address, AccountState state)
    {
        if (index != _accounts.Count) throw new InvalidOperationException($"account index {index} out of order (expected {_accounts.Count})");
        Set(address, state);
    }

    /// <summary>keccak256(0x02 || accounts root || marketplace root): one hash commits to every balance, nonce and
    /// marketplace object.</summary>
    public Hash32 StateRoot()
    {
        Span<byte> b = stackalloc byte[65];
        b[0] = 0x02;
        Tree().Root().CopyTo(b[1..]);
        Market.Root().CopyTo(b[33..]);
        return Keccak256.Hash(b);
    }

    public Hash32 AccountsRoot() => Tree().Root();

    public IEnumerable<(int Index, Address Address, AccountState State)> Accounts() =>
        _accounts.Select((a, i) => (i, a.Address, a.State));

    /// <summary>The sum of all balances and of what the marketplace holds (stakes, escrows): the supply, which no
    /// transaction changes.</summary>
    public UInt128 TotalSupply()
    {
        UInt128 total = Market.Held.Value;
        foreach (var (_, s) in _accounts) total = checked(total + s.Balance.Value);
        return total;
    }
}
