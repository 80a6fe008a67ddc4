namespace OpenLedger.Benchmarks.Ledger;

/// <summary>A cap on transactions submitted but not yet committed (or rejected). Waiters are served in FIFO order,
/// so batches enter the node in list order; the cap can change while the run goes (the adaptive window).</summary>
public sealed class TxWindow(long limit)
{
    private readonly object _gate = new();
    private readonly Queue<(long Count, TaskCompletionSource Ready)> _waiters = new();
    private long _limit = limit, _outstanding;

    public long Outstanding { get { lock (_gate) return _outstanding; } }
    public long Limit { get { lock (_gate) return _limit; } }

    public Task AcquireAsync(long count)
    {
        lock (_gate)
        {
            // An empty window always admits one batch, whatever its size, so progress never stops.
            if (_waiters.Count == 0 && (_outstanding + count <= _limit || _outstanding == 0))
            {
                _outstanding += count;
                return Task.CompletedTask;
            }
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue((count, tcs));
            return tcs.Task;
        }
    }

    public void Release(long count)
    {
        if (count == 0) return;
        lock (_gate)
        {
            _outstanding -= count;
            Wake();
        }
    }

    public void SetLimit(long limit)
    {
        lock (_gate)
        {
            _limit = limit;
            Wake();
        }
    }

    private void Wake()
    {
        while (_waiters.TryPeek(out var w) && (_outstanding + w.Count <= _limit || _outstanding == 0))
        {
            _waiters.Dequeue();
            _outstanding += w.Count;
            w.Ready.SetResult();
        }
    }
}
