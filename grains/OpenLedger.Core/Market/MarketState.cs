using OpenLedger.Core.Crypto;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Market;

/// <summary>The marketplace part of the ledger state: datanets, contributions, versions, models and inferences,
/// each committed as one item of an incremental Merkle tree (in the order the objects first appeared), plus the
/// indexes the rules need, which are derived from the objects and rebuilt on load:
/// normalized-content sets per datanet (exact duplicates), approved content per datanet in approval order and the
/// excluded approval indexes (version roots), the open inferences and the pending contributions by deadline (expiry), and the wei the marketplace holds
/// (stakes and escrows).</summary>
public sealed class MarketState
{
    private readonly Dictionary<Hash32, IMarketObject> _objects = [];
    private readonly Dictionary<Hash32, int> _slot = [];
    private readonly IncrementalMerkleTree _tree = new();

    private readonly Dictionary<Hash32, HashSet<Hash32>> _normalizedByDatanet = [];
    private readonly Dictionary<Hash32, List<Hash32>> _approvedContent = [];
    // Per datanet: approval index -> how many versions the datanet had when it was excluded.
    private readonly Dictionary<Hash32, SortedDictionary<int, uint>> _excluded = [];
    // Deadlines grow with request height (the timeout is one constant), so a FIFO queue is in deadline order; the same
    // holds for contributions and their curation timeout.
    private readonly Queue<(long Deadline, Hash32 Inference)> _expiries = new();
    private readonly Queue<(long Deadline, Hash32 Contribution)> _curationDeadlines = new();

    public Wei Held { get; private set; } = Wei.Zero;
    public int ObjectCount => _objects.Count;

    /// <summary>The bytes of canonical encoding this state has hashed into its tree so far: the work its commitments
    /// cost, which a rule must keep independent of what it does not touch (for tests and benchmarks; not state).</summary>
    public long EncodedBytes { get; private set; }

    public T? Get<T>(Hash32 id) where T : class, IMarketObject => _objects.TryGetValue(id, out var o) ? o as T : null;
    public Datanet? Datanet(Hash32 id) => Get<Datanet>(id);
    public Contribution? Contribution(Hash32 id) => Get<Contribution>(id);
    public DatanetVersion? Version(Hash32 id) => Get<DatanetVersion>(id);
    public Model? Model(Hash32 id) => Get<Model>(id);
    public InferenceRequest? Inference(Hash32 id) => Get<InferenceRequest>(id);
    public bool Exists(Hash32 id) => _objects.ContainsKey(id);

    public bool IsDuplicate(Hash32 datanet, Hash32 normalized) =>
        _normalizedByDatanet.TryGetValue(datanet, out var set) && set.Contains(normalized);

    public IReadOnlyList<Hash32> ApprovedContent(Hash32 datanet) =>
        _approvedContent.TryGetValue(datanet, out var l) ? l : [];

    /// <summary>What a version published now holds: the approved content in approval order, less every contribution
    /// excluded so far (<see cref="DatanetVersion.Contains"/>).</summary>
    public IReadOnlyList<Hash32> PublishableContent(Hash32 datanet)
    {
        var approved = ApprovedContent(datanet);
        if (!_excluded.TryGetValue(datanet, out var excluded)) return approved;
        return approved.Where((_, index) => !excluded.ContainsKey(index)).ToList();
    }

    /// <summary>Whether a contribution of <paramref name="datanet"/> was excluded after its version
    /// <paramref name="versions"/> was published (so a new version would differ from it even with no new approval).</summary>
    public bool ExcludedSince(Hash32 datanet, uint versions) =>
        _excluded.TryGetValue(datanet, out var excluded) && excluded.Values.Any(after => after == versions);

    public Hash32 Root() => _tree.Root();

    /// <summary>True if an open inference's or a pending contribution's deadline has passed at <paramref name="height"/>
    /// (the block at its deadline height was the last that could settle or curate it).</summary>
    public bool HasExpiryDue(long height)
    {
        DropClosedDeadlines();
        return _expiries.Count > 0 && _expiries.Peek().Deadline < height
            || _curationDeadlines.Count > 0 && _curationDeadlines.Peek().Deadline < height;
    }

    /// <summary>True while an inference is open or a contribution pending: something whose deadline counts blocks, so
    /// the producer keeps sealing blocks at its interval even when no transaction waits (deadlines then pass in a
    /// predictable wall-clock time and nothing stays locked on an idle chain).</summary>
    public bool HasOpenDeadline()
    {
        DropClosedDeadlines();
        return _expiries.Count > 0 || _curationDeadlines.Count > 0;
    }

    // The queues keep settled inferences and curated contributions until they reach the front: drop those there.
    private void DropClosedDeadlines()
    {
        while (_expiries.Count > 0 && Inference(_expiries.Peek().Inference) is not { IsOpen: true }) _expiries.Dequeue();
        while (_curationDeadlines.Count > 0 && Contribution(_curationDeadlines.Peek().Contribution) is not { Status: ContributionStatus.Pending })
            _curationDeadlines.Dequeue();
    }

    /// <summary>Removes and returns the pending contributions whose curation deadline is below <paramref name="height"/>,
    /// in deadline (= creation) order.</summary>
    public List<Contribution> TakeDueContributions(long height)
    {
        var due = new List<Contribution>();
        while (_curationDeadlines.Count > 0 && _curationDeadlines.Peek().Deadline < height)
        {
            var (_, id) = _curationDeadlines.Dequeue();
            if (Contribution(id) is { Status: ContributionStatus.Pending } c) due.Add(c);
        }
        return due;
    }

    /// <summary>Removes and returns the open inferences whose deadline is below <paramref name="height"/>.</summary>
    public List<InferenceRequest> TakeDue(long height)
    {
        var due = new List<InferenceRequest>();
        while (_expiries.Count > 0 && _expiries.Peek().Deadline < height)
        {
            var (_, id) = _expiries.Dequeue();
            if (Inference(id) is { IsOpen: true } i) due.Add(i);
        }
        return due;
    }

    /// <summary>Puts an object (new or replacing) and keeps the derived indexes and the held amount in step.</summary>
    public void Put(IMarketObject o, BlockChanges? changes = null)
    {
        _objects.TryGetValue(o.Id, out var old);
        Held = Held - HeldBy(old) + HeldBy(o);
        Index(old, o);
        _objects[o.Id] = o;
        var body = o.Encode();
        EncodedBytes += body.Length;
        var commitment = MarketObjects.Commitment(o.ObjectKind, body);
        if (_slot.TryGetValue(o.Id, out var slot)) _tree.Set(slot, commitment);
        else _slot[o.Id] = _tree.Add(commitment);
        changes?.Changed(o);
    }

    /// <summary>Loads a stored object at its tree index (rebuilding from storage); indexes must arrive in order.</summary>
    public void Load(int index, IMarketObject o)
    {
        if (index != _tree.Count) throw new InvalidOperationException($"marketplace object index {index} out of order (expected {_tree.Count})");
        Put(o);
    }

    public int IndexOf(Hash32 id) => _slot.TryGetValue(id, out var i) ? i : -1;

    public IEnumerable<IMarketObject> Objects() => _objects.Values.OrderBy(o => _slot[o.Id]);

    private static Wei HeldBy(IMarketObject? o) => o switch
    {
        Contribution { Status: ContributionStatus.Pending } c => c.Stake,
        InferenceRequest { IsOpen: true } i => i.Escrow,
        _ => Wei.Zero,
    };

    private void Index(IMarketObject? old, IMarketObject o)
    {
        switch (o)
        {
            case Contribution c:
                if (old is null)
                {
                    if (!_normalizedByDatanet.TryGetValue(c.Datanet, out var set)) _normalizedByDatanet[c.Datanet] = set = [];
                    set.Add(c.NormalizedContent);
                    if (c.Status == ContributionStatus.Pending) _curationDeadlines.Enqueue((c.DeadlineHeight, c.Id));
                }
                if (c.Status == ContributionStatus.Excluded)
                {
                    if (!_excluded.TryGetValue(c.Datanet, out var excluded)) _excluded[c.Datanet] = excluded = [];
                    excluded[c.ApprovalIndex] = c.ExcludedAfter;
                }
                // An excluded contribution keeps its place: loading from storage sees it excluded, never approved.
                if (c.Status is ContributionStatus.Approved or ContributionStatus.Excluded && old is Contribution { Status: not (ContributionStatus.Approved or ContributionStatus.Excluded) } or null)
                {
                    if (!_approvedContent.TryGetValue(c.Datanet, out var list)) _approvedContent[c.Datanet] = list = [];
                    // In a block approvals arrive in order; loading from storage goes by creation order, so fill by index.
                    while (list.Count <= c.ApprovalIndex) list.Add(Hash32.Zero);
                    list[c.ApprovalIndex] = c.Content;
                }
                break;
            case InferenceRequest i when old is null && i.IsOpen:
                _expiries.Enqueue((i.DeadlineHeight, i.Id));
                break;
        }
    }
}
