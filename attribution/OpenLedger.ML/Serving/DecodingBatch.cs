using OpenLedger.ML.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Serving;

/// <summary>Greedy decoding of a changing set of sequences over a <see cref="KvCache"/>, each row through its own
/// adapter (the heterogeneous multi-adapter projection of <see cref="MultiAdapterModel"/>): newcomers are prefilled
/// (<see cref="Admit"/>), then every <see cref="Step"/> feeds one token per row, and a row that has its tokens leaves
/// at once (<see cref="TakeFinished"/>), so a waiting request can take its place at the next step: continuous
/// batching.</summary>
/// <remarks>Taking a row out copies the batch's keys and values (and the projections re-gather their per-row adapter
/// weights), about as much memory traffic as a step's compute at a batch of 64: so a finished row's request completes at
/// once, but the row itself stays, computed and ignored, until the finished rows are an eighth of the batch
/// (<see cref="Compact"/>); waiting requests join then, together. It costs at most an eighth of a step's rows and saves
/// most of the copies.</remarks>
/// <remarks>A row's tokens are those of the recomputing decoder (the whole sequence each step, right-padded): the
/// same positions, the same causal attention, each row's next token read at its own last position. Only float
/// rounding may differ (the matrix products have other shapes), never which position sees which.</remarks>
internal sealed class DecodingBatch<TOwner>(MultiAdapterModel model, long padToken, long? stopToken) : IDisposable
{
    /// <summary>Finished rows are taken out once they are this fraction (1/n) of the batch.</summary>
    private const int CompactWhenDone = 8;

    /// <summary>The cache's room is rounded up to a multiple of this, so that newcomers of about the same length fit
    /// the running rows' room and joining does not widen (copy) the whole cache.</summary>
    private const int RoomStep = 16;

    private readonly KvCache _cache = new();
    private readonly List<DecodingRow<TOwner>> _rows = [];
    private readonly HashSet<DecodingRow<TOwner>> _done = new(ReferenceEqualityComparer.Instance);

    /// <summary>The rows in the batch, finished ones not yet taken out included.</summary>
    public IReadOnlyList<DecodingRow<TOwner>> Rows => _rows;

    /// <summary>Whether <paramref name="row"/> has its tokens: as many as it may have, or the stop token.</summary>
    public bool IsFinished(DecodingRow<TOwner> row) =>
        row.Generated.Count >= row.MaxNewTokens || (stopToken is { } stop && row.Generated.Count > 0 && row.Generated[^1] == stop);

    /// <summary>Prefills <paramref name="newcomers"/> (each wanting at least one token) in one forward, gives each
    /// its first token and makes them rows of the batch, after the current ones. On failure the batch is as it was.</summary>
    public void Admit(IReadOnlyList<DecodingRow<TOwner>> newcomers)
    {
        if (newcomers.Count == 0) return;
        if (newcomers.Any(r => r.MaxNewTokens <= 0 || r.Generated.Count > 0))
            throw new ArgumentException("a newcomer must want tokens and have none yet");
        using var scope = torch.NewDisposeScope();
        var time = newcomers.Max(r => r.Prompt.Count);
        var ids = new long[newcomers.Count * time];
        Array.Fill(ids, padToken);
        for (var j = 0; j < newcomers.Count; j++)
            for (var t = 0; t < newcomers[j].Prompt.Count; t++) ids[j * time + t] = newcomers[j].Prompt[t];
        var tokens = torch.tensor(ids, [newcomers.Count, time], dtype: ScalarType.Int64);
        // Room for the positions the rows will fill, not the whole context: a cache is zeroed when made, and with
        // short outputs most of a context-sized one would never be read (8 new tokens: 24 of 64 positions).
        var context = model.Model.Config.ContextLength;
        var room = Math.Min(context, (newcomers.Max(r => r.Prompt.Count + r.MaxNewTokens) + RoomStep - 1) / RoomStep * RoomStep);
        var (logits, cache) = model.Prefill(tokens, newcomers.Select(r => (long)r.Prompt.Count).ToList(), newcomers.Select(r => r.Adapter).ToList(),
            Math.Max(room, time));
        using (cache)
        {
            var next = logits.argmax(-1).data<long>().ToArray();
            _cache.Append(cache);
            for (var j = 0; j < newcomers.Count; j++) newcomers[j].Generated.Add(next[j]);
            _rows.AddRange(newcomers);
        }
    }

    /// <summary>Feeds every row its last token and appends its next one (a finished row's is dropped). On failure the
    /// cache is no longer usable: the caller takes the rows out (<see cref="Clear"/>).</summary>
    public void Step()
    {
        if (_rows.Count == 0) return;
        using var scope = torch.NewDisposeScope();
        var tokens = torch.tensor(_rows.Select(r => r.Generated[^1]).ToArray(), [_rows.Count, 1], dtype: ScalarType.Int64);
        var logits = model.Step(tokens, _cache, _rows.Select(r => r.Adapter).ToList());
        var next = logits.argmax(-1).data<long>().ToArray();
        for (var j = 0; j < _rows.Count; j++)
            if (!_done.Contains(_rows[j])) _rows[j].Generated.Add(next[j]);
    }

    /// <summary>The rows that have just got their tokens: their tokens no longer change, their requests can complete.
    /// They stay in the batch until <see cref="Compact"/> takes them out.</summary>
    public List<DecodingRow<TOwner>> TakeFinished()
    {
        var finished = _rows.Where(r => !_done.Contains(r) && IsFinished(r)).ToList();
        _done.UnionWith(finished);
        return finished;
    }

    /// <summary>Takes the finished rows out of the batch (and their keys and values out of the cache) when they are an
    /// eighth of it, all of it, or one would outgrow the cache's room at the next step; returns those taken out.</summary>
    public List<DecodingRow<TOwner>> Compact()
    {
        if (_done.Count == 0) return [];
        var room = _cache.Capacity;
        var full = Enumerable.Range(0, _rows.Count).Any(i => _done.Contains(_rows[i]) && _cache.Lengths[i] >= room);
        if (!full && _done.Count < Math.Max(1, _rows.Count / CompactWhenDone)) return [];
        var kept = Enumerable.Range(0, _rows.Count).Where(i => !_done.Contains(_rows[i])).ToList();
        _cache.Keep(kept);
        var removed = _rows.Where(_done.Contains).ToList();
        _rows.RemoveAll(_done.Contains);
        _done.Clear();
        return removed;
    }

    /// <summary>Takes every row out and empties the cache.</summary>
    public List<DecodingRow<TOwner>> Clear()
    {
        var rows = _rows.ToList();
        _rows.Clear();
        _done.Clear();
        _cache.Dispose();
        return rows;
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>Decodes <paramref name="rows"/> to the end as one batch that admits nobody else: each row's tokens
    /// (none for a row that wants none).</summary>
    public static void RunToEnd(MultiAdapterModel model, long padToken, long? stopToken, IReadOnlyList<DecodingRow<TOwner>> rows)
    {
        using var batch = new DecodingBatch<TOwner>(model, padToken, stopToken);
        batch.Admit(rows.Where(r => r.MaxNewTokens > 0).ToList());
        while (true)
        {
            batch.TakeFinished();
            batch.Compact();
            if (batch.Rows.Count == 0) return;
            batch.Step();
        }
    }
}
