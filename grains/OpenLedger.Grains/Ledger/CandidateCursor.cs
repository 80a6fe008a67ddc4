using OpenLedger.Core.Transactions;

namespace OpenLedger.Grains.Ledger;

/// <summary>Hands a block's candidates to the executor one at a time and remembers the last one handed: the executor
/// applies each candidate before it asks for the next, so when execution faults before the candidates ran out, that
/// last one is the transaction it was applying (the culprit, dropped so the chain can go on without it).</summary>
internal sealed class CandidateCursor(IReadOnlyList<VerifiedTransaction> candidates, Action<VerifiedTransaction>? faultForTests) : IReadOnlyCollection<VerifiedTransaction>
{
    /// <summary>How many candidates there are: the executor sizes its lists by it.</summary>
    public int Count => candidates.Count;

    private VerifiedTransaction? _current;
    private bool _done;

    /// <summary>The transaction being applied when execution stopped, or null if it stopped outside any (before the
    /// first or after the last).</summary>
    public VerifiedTransaction? Culprit => _done ? null : _current;

    public IEnumerator<VerifiedTransaction> GetEnumerator()
    {
        foreach (var tx in candidates)
        {
            _current = tx;
            faultForTests?.Invoke(tx);
            yield return tx;
        }
        _done = true;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
