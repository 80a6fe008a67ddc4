using System.Diagnostics;
using OpenLedger.Core.Crypto;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Serving;

/// <summary>OpenLoRA's request loop: generation requests for many adapters wait in one queue; a single worker takes
/// the oldest ones as a batch (<see cref="ServingOptions.Mode"/>), makes their adapters resident through the
/// <see cref="AdapterCache"/> and decodes greedily through the shared <see cref="MultiAdapterModel"/>, completing each
/// request's task with its tokens.</summary>
/// <remarks>
/// Decoding (<see cref="ServingOptions.Decoder"/>): by default each sequence keeps a KV cache and batching is
/// continuous (<see cref="DecodingBatch{TOwner}"/>): newcomers are prefilled, each step feeds one token per sequence,
/// a sequence that has its tokens leaves at once and waiting requests join at the next step, up to the batch size.
/// The reference decoder recomputes the whole sequences every step and runs a batch to completion before the next.
/// <para>Padding: prompts of a batch are right-padded and each row's next token is read at its own last position. The
/// attention is causal, so a position never sees the padding after it and every row computes what it would alone;
/// with the cache, each row's position ids are its own and the positions past its length are masked out.</para>
/// <para>Isolation: one adapter never fails another's requests. Requests for a quarantined adapter are refused before
/// they queue, an adapter that does not load fails only its own rows, and a batch whose forward pass throws is run again
/// adapter by adapter, so only the adapter at fault fails its requests and is quarantined (<see cref="Isolate"/>).</para>
/// </remarks>
public sealed class LoraServingEngine : IAsyncDisposable
{
    private readonly MultiAdapterModel _model;
    private readonly AdapterCache _cache;
    private readonly ServingOptions _options;
    private readonly List<Pending> _queue = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _worker;

    /// <param name="start">False to queue requests before <see cref="Start"/> (so they can form one batch).</param>
    public LoraServingEngine(MultiAdapterModel model, AdapterCache cache, ServingOptions? options = null, bool start = true)
    {
        _model = model;
        _cache = cache;
        _options = options ?? new ServingOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxBatchSize);
        if (start) Start();
    }

    public ServingOptions Options => _options;

    /// <summary>Starts the worker (once).</summary>
    public void Start()
    {
        lock (_gate) _worker ??= Task.Run(Continuous ? WorkContinuouslyAsync : WorkAsync);
    }

    /// <summary>Whether requests join and leave a running batch (the cached decoder batching several requests).</summary>
    private bool Continuous => _options.Decoder == ServingDecoder.ContinuousKvCache && _options.Mode != ServingMode.MergePerRequest;

    /// <summary>Queues a request. Throws <see cref="ArgumentException"/> for an empty prompt, an id outside the
    /// vocabulary, or more tokens in all than the model's context. The task fails with
    /// <see cref="InvalidAdapterException"/> at once when the adapter is quarantined, and later when it is refused at
    /// load or caught failing a forward pass.</summary>
    public Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var config = _model.Model.Config;
        if (request.Prompt.Count == 0) throw new ArgumentException("the prompt is empty");
        if (request.MaxNewTokens < 0) throw new ArgumentException($"max new tokens is negative: {request.MaxNewTokens}");
        if (request.Prompt.Count + request.MaxNewTokens > config.ContextLength)
            throw new ArgumentException($"{request.Prompt.Count} prompt tokens + {request.MaxNewTokens} new exceed the context length {config.ContextLength}");
        if (request.Prompt.Any(t => t < 0 || t >= config.VocabSize))
            throw new ArgumentException($"a prompt token is outside the vocabulary [0, {config.VocabSize})");
        if (request.Adapter is { } adapter && _cache.QuarantineReason(adapter) is { } reason)
            return Task.FromException<GenerationResult>(new InvalidAdapterException(adapter, reason));

        var pending = new Pending(request, Stopwatch.GetTimestamp());
        if (cancellationToken.CanBeCanceled)
        {
            // A request cancelled while queued is dropped when the next batch is formed; once running, it completes.
            var registration = cancellationToken.Register(() => pending.Completion.TrySetCanceled(cancellationToken));
            _ = pending.Completion.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) throw new ObjectDisposedException(nameof(LoraServingEngine));
            _queue.Add(pending);
        }
        _signal.Release();
        return pending.Completion.Task;
    }

    /// <summary>Stops the worker after its current batch (continuous: once its running sequences are done, admitting no
    /// more) and fails the requests still queued.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? worker;
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            worker = _worker;
        }
        if (worker is not null) await worker.ConfigureAwait(false);
        List<Pending> left;
        lock (_gate)
        {
            left = [.. _queue];
            _queue.Clear();
        }
        foreach (var pending in left) pending.Completion.TrySetException(new ObjectDisposedException(nameof(LoraServingEngine)));
        _stop.Dispose();
        _signal.Dispose();
    }

    private async Task WorkAsync()
    {
        while (true)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var batch = TakeBatch();
            if (batch.Count > 0) await RunBatchAsync(batch).ConfigureAwait(false);
        }
    }

    /// <summary>The continuous worker: between two decoding steps, finished sequences leave and waiting requests join
    /// (prefilled together) up to the batch size; a batch ends only when it has no sequence left.</summary>
    private async Task WorkContinuouslyAsync()
    {
        using var batch = new DecodingBatch<Pending>(_model, _options.PadToken, _options.StopToken);
        // One lease per adapter in the batch, held while any of its rows decodes.
        var leases = new Dictionary<Hash32, (AdapterLease Lease, int Rows)>();
        try
        {
            while (true)
            {
                if (batch.Rows.Count == 0)
                {
                    _model.EndBatch();
                    if (_stop.IsCancellationRequested) return;
                    try
                    {
                        await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                if (!_stop.IsCancellationRequested) await AdmitAsync(batch, leases).ConfigureAwait(false);
                Retire(batch, leases);
                if (batch.Rows.Count == 0) continue;
                try
                {
                    batch.Step();
                }
                catch (Exception error)
                {
                    // The cache is spoilt: the rows start again, group by group, to find whose fault it is.
                    var rows = batch.Clear();
                    var running = rows.Where(r => !r.Owner.Completion.Task.IsCompleted).ToList();
                    Isolate(running.Select(r => r.Owner).ToList(), running.Select(r => r.Adapter).ToList(), error);
                    Release(rows.Select(r => r.Owner), leases);
                    continue;
                }
                Retire(batch, leases);
            }
        }
        finally
        {
            foreach (var (lease, _) in leases.Values) lease.Dispose();
        }
    }

    /// <summary>Takes waiting requests into the running batch, up to its free rows: their adapters made resident,
    /// their prompts prefilled in one forward (a failure there is isolated like a failed batch's).</summary>
    private async Task AdmitAsync(DecodingBatch<Pending> batch, Dictionary<Hash32, (AdapterLease Lease, int Rows)> leases)
    {
        var newcomers = TakeNewcomers(_options.MaxBatchSize - batch.Rows.Count, batch.Rows.Count > 0 ? batch.Rows[0].Owner.Request.Adapter : null);
        if (newcomers.Count == 0) return;
        foreach (var id in newcomers.Select(p => p.Request.Adapter).OfType<Hash32>().Distinct().Where(id => !leases.ContainsKey(id)).ToList())
        {
            try
            {
                leases[id] = (await _cache.AcquireAsync(id, _stop.Token).ConfigureAwait(false), 0);
            }
            catch (Exception error)
            {
                foreach (var pending in newcomers.Where(p => p.Request.Adapter == id)) pending.Completion.TrySetException(error);
            }
        }
        var started = Stopwatch.GetTimestamp();
        foreach (var pending in newcomers.Where(p => p.Request.MaxNewTokens == 0 && !p.Completion.Task.IsCompleted))
            pending.Completion.TrySetResult(new GenerationResult([], Stopwatch.GetElapsedTime(pending.Submitted, started), TimeSpan.Zero, 1, 0));
        var rows = newcomers.Where(p => !p.Completion.Task.IsCompleted)
            .Select(p => new DecodingRow<Pending>(p, p.Request.Prompt, p.Request.MaxNewTokens, p.Request.Adapter is { } id ? leases[id].Lease.Adapter : null))
            .ToList();
        foreach (var id in rows.Select(r => r.Owner.Request.Adapter).OfType<Hash32>()) leases[id] = leases[id] with { Rows = leases[id].Rows + 1 };
        try
        {
            batch.Admit(rows);
        }
        catch (Exception error)
        {
            Isolate(rows.Select(r => r.Owner).ToList(), rows.Select(r => r.Adapter).ToList(), error);
            Release(rows.Select(r => r.Owner), leases);
            return;
        }
        var joined = (started, batch.Rows.Count, batch.Rows.Select(r => r.Adapter).OfType<ServedAdapter>().Distinct().Count());
        foreach (var row in rows) row.Owner.Joined = joined;
    }

    /// <summary>Completes the requests whose rows have their tokens, and gives back the leases of the rows taken out
    /// of the batch (a finished row still computes, with its adapter, until then).</summary>
    private static void Retire(DecodingBatch<Pending> batch, Dictionary<Hash32, (AdapterLease Lease, int Rows)> leases)
    {
        foreach (var row in batch.TakeFinished())
        {
            var (at, rows, adapters) = row.Owner.Joined;
            row.Owner.Completion.TrySetResult(new GenerationResult(row.Generated, Stopwatch.GetElapsedTime(row.Owner.Submitted, at),
                Stopwatch.GetElapsedTime(at), rows, adapters));
        }
        Release(batch.Compact().Select(r => r.Owner), leases);
    }

    /// <summary>Gives back the leases of rows that have left, disposing an adapter's lease with its last row.</summary>
    private static void Release(IEnumerable<Pending> left, Dictionary<Hash32, (AdapterLease Lease, int Rows)> leases)
    {
        foreach (var id in left.Select(p => p.Request.Adapter).OfType<Hash32>())
        {
            var (lease, rows) = leases[id];
            if (rows > 1) leases[id] = (lease, rows - 1);
            else
            {
                lease.Dispose();
                leases.Remove(id);
            }
        }
    }

    /// <summary>Up to <paramref name="free"/> waiting requests, oldest first, that may join the running batch. In
    /// <see cref="ServingMode.OneAdapterPerBatch"/> only requests for the batch's adapter join (for the oldest's when
    /// the batch is empty), and only while the oldest waiting request is one of them, so a busy adapter does not
    /// starve the others.</summary>
    private List<Pending> TakeNewcomers(int free, Hash32? running)
    {
        lock (_gate)
        {
            _queue.RemoveAll(p => p.Completion.Task.IsCompleted); // cancelled while waiting
            if (free <= 0 || _queue.Count == 0) return [];
            var oneAdapter = _options.Mode == ServingMode.OneAdapterPerBatch;
            var adapter = free == _options.MaxBatchSize ? _queue[0].Request.Adapter : running;
            if (oneAdapter && _queue[0].Request.Adapter != adapter) return [];
            var taken = _queue.Where(p => !oneAdapter || p.Request.Adapter == adapter).Take(free).ToList();
            foreach (var pending in taken) _queue.Remove(pending);
            return taken;
        }
    }

    private List<Pending> TakeBatch()
    {
        lock (_gate)
        {
            _queue.RemoveAll(p => p.Completion.Task.IsCompleted); // cancelled while waiting
            if (_queue.Count == 0) return [];
            var first = _queue[0].Request.Adapter;
            var limit = _options.Mode == ServingMode.MergePerRequest ? 1 : _options.MaxBatchSize;
            var batch = _queue.Where(p => _options.Mode == ServingMode.Heterogeneous || p.Request.Adapter == first).Take(limit).ToList();
            foreach (var pending in batch) _queue.Remove(pending);
            return batch;
        }
    }

    private async Task RunBatchAsync(List<Pending> batch)
    {
        var leases = new Dictionary<Hash32, AdapterLease>();
        try
        {
            foreach (var id in batch.Select(p => p.Request.Adapter).OfType<Hash32>().Distinct())
            {
                try
                {
                    leases[id] = await _cache.AcquireAsync(id, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception error)
                {
                    foreach (var pending in batch.Where(p => p.Request.Adapter == id)) pending.Completion.TrySetException(error);
                }
            }
            var rows = batch.Where(p => !p.Completion.Task.IsCompleted).ToList();
            if (rows.Count == 0) return;
            var adapters = rows.Select(p => p.Request.Adapter is { } id ? leases[id].Adapter : null).ToList();
            var started = Stopwatch.GetTimestamp();
            List<long>[] generated;
            try
            {
                generated = Run(rows, adapters);
            }
            catch (Exception error)
            {
                Isolate(rows, adapters, error);
                return;
            }
            Complete(rows, adapters, generated, started);
        }
        finally
        {
            foreach (var lease in leases.Values) lease.Dispose();
        }
    }

    /// <summary>Generates the tokens of <paramref name="rows"/> as one batch, in the engine's mode.</summary>
    private List<long>[] Run(IReadOnlyList<Pending> rows, IReadOnlyList<ServedAdapter?> adapters)
    {
        try
        {
            return _options.Mode == ServingMode.MergePerRequest && adapters[0] is { } merged
                ? _model.RunMerged(merged, () => Generate(rows, new ServedAdapter?[rows.Count]))
                : Generate(rows, adapters);
        }
        finally
        {
            _model.EndBatch();
        }
    }

    private static void Complete(IReadOnlyList<Pending> rows, IReadOnlyList<ServedAdapter?> adapters, List<long>[] generated, long started)
    {
        var ran = Stopwatch.GetElapsedTime(started);
        var distinct = adapters.OfType<ServedAdapter>().Distinct().Count();
        for (var i = 0; i < rows.Count; i++)
            rows[i].Completion.TrySetResult(new GenerationResult(generated[i], Stopwatch.GetElapsedTime(rows[i].Submitted, started), ran, rows.Count, distinct));
    }

    /// <summary>A batch's forward pass threw: find whose fault it is rather than fail every row. Each adapter's rows
    /// (and the base-only rows) run again as a batch of their own, so the good rows get exactly the tokens they would
    /// get alone. An adapter whose rows still fail, while the base model alone runs the same prompts
    /// (<see cref="BaseRuns"/>), is at fault: it is quarantined and its requests fail with
    /// <see cref="InvalidAdapterException"/>. Rows that fail with the base alone too (the model, memory, a bug: no
    /// adapter's doing) fail with their error and quarantine nothing.</summary>
    /// <remarks>Only a failed batch comes here, so the batched path pays nothing for it. The cache's validation refuses
    /// mis-shaped adapters before they reach a batch; this is what holds for whatever it does not foresee.</remarks>
    private void Isolate(IReadOnlyList<Pending> rows, IReadOnlyList<ServedAdapter?> adapters, Exception error)
    {
        var groups = Enumerable.Range(0, rows.Count).GroupBy(i => adapters[i]?.Id).ToList();
        foreach (var group in groups)
        {
            var groupRows = group.Select(i => rows[i]).ToList();
            var groupAdapters = group.Select(i => adapters[i]).ToList();
            // A batch of one group has just failed alone: running it again would only fail the same way.
            var failure = groups.Count == 1 ? error : null;
            if (failure is null)
            {
                var started = Stopwatch.GetTimestamp();
                List<long>[]? generated = null;
                try
                {
                    generated = Run(groupRows, groupAdapters);
                }
                catch (Exception alone)
                {
                    failure = alone;
                }
                if (generated is not null)
                {
                    Complete(groupRows, groupAdapters, generated, started);
                    continue;
                }
            }
            var outcome = failure!;
            if (groupAdapters[0] is { } adapter && BaseRuns(groupRows))
            {
                var refused = new InvalidAdapterException(adapter.Id, $"a forward pass with it failed: {outcome.GetType().Name}: {outcome.Message}");
                _cache.Quarantine(adapter.Id, refused.Reason);
                outcome = refused;
            }
            foreach (var pending in groupRows) pending.Completion.TrySetException(outcome);
        }
    }

    /// <summary>Whether the base model alone takes the first decoding step of <paramref name="rows"/>: the control that
    /// tells an adapter's failure from the model's own.</summary>
    private bool BaseRuns(IReadOnlyList<Pending> rows)
    {
        try
        {
            var sequences = rows.Select(p => p.Request.Prompt).ToList();
            NextTokens(sequences, new ServedAdapter?[rows.Count]);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
        finally
        {
            _model.EndBatch();
        }
    }

    /// <summary>Greedy decoding of every row at once, as one batch that admits nobody else.</summary>
    private List<long>[] Generate(IReadOnlyList<Pending> rows, IReadOnlyList<ServedAdapter?> adapters)
    {
        if (_options.Decoder == ServingDecoder.Recompute) return Recompute(rows, adapters);
        var decoding = rows.Select((p, i) => new DecodingRow<int>(i, p.Request.Prompt, p.Request.MaxNewTokens, adapters[i])).ToList();
        DecodingBatch<int>.RunToEnd(_model, _options.PadToken, _options.StopToken, decoding);
        return decoding.Select(r => r.Generated).ToArray();
    }

    /// <summary>The reference decoder: every step recomputes the whole sequences; see the class remarks for the
    /// padding.</summary>
    private List<long>[] Recompute(IReadOnlyList<Pending> rows, IReadOnlyList<ServedAdapter?> adapters)
    {
        var sequences = rows.Select(p => new List<long>(p.Request.Prompt)).ToArray();
        var generated = rows.Select(_ => new List<long>()).ToArray();
        var active = Enumerable.Range(0, rows.Count).Where(i => rows[i].Request.MaxNewTokens > 0).ToList();
        while (active.Count > 0)
        {
            var next = NextTokens(active.Select(i => sequences[i]).ToList(), active.Select(i => adapters[i]).ToList());
            for (var j = 0; j < active.Count; j++)
            {
                sequences[active[j]].Add(next[j]);
                generated[active[j]].Add(next[j]);
            }
            active.RemoveAll(i => generated[i].Count >= rows[i].Request.MaxNewTokens || generated[i][^1] == _options.StopToken);
        }
        return generated;
    }

    /// <summary>One greedy step: the next token of each sequence, right-padded into one batch.</summary>
    private long[] NextTokens(IReadOnlyList<IReadOnlyList<long>> sequences, IReadOnlyList<ServedAdapter?> rowAdapters)
    {
        using var scope = torch.NewDisposeScope();
        var time = sequences.Max(s => s.Count);
        var ids = new long[sequences.Count * time];
        Array.Fill(ids, _options.PadToken);
        for (var j = 0; j < sequences.Count; j++)
        {
            if (sequences[j] is List<long> list) list.CopyTo(ids, j * time);
            else for (var t = 0; t < sequences[j].Count; t++) ids[j * time + t] = sequences[j][t];
        }
        var tokens = torch.tensor(ids, [sequences.Count, time], dtype: ScalarType.Int64);
        // Only each row's last position is read, so only it is projected onto the vocabulary.
        var logits = _model.ForwardAt(tokens, rowAdapters, sequences.Select(s => (long)s.Count - 1).ToList());
        return logits.argmax(-1).data<long>().ToArray();
    }

    private sealed class Pending(GenerationRequest request, long submitted)
    {
        public GenerationRequest Request { get; } = request;
        public long Submitted { get; } = submitted;
        public TaskCompletionSource<GenerationResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Continuous batching: when it joined the running batch, and that batch's rows and distinct adapters
        /// just after it joined.</summary>
        public (long At, int Rows, int Adapters) Joined { get; set; }
    }
}
