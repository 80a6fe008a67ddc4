using TorchSharp;

namespace OpenLedger.ML.Training;

/// <summary>
/// Fixed-length rows of token ids cut into batches for a causal LM objective. A row holds up to context + 1 tokens:
/// the first context are the inputs, the last context the targets; shorter rows are padded and masked out of the loss.
/// Training order is a pure function of (seed, batch index): epoch e visits the rows in a permutation drawn from
/// (seed, e), so batch k is the same batch whether the run started at 0 or resumed at k.
/// </summary>
public sealed class TokenBatches
{
    private readonly IReadOnlyList<int[]> _rows;
    // Per row, the index of its first token that is a target (tokens before it are context only: a prompt); null
    // when every token but the first is a target.
    private readonly IReadOnlyList<int>? _firstTargets;
    private readonly Dictionary<long, int[]> _orders = [];

    private TokenBatches(IReadOnlyList<int[]> rows, int contextLength, int batchSize, long seed, int padId, IReadOnlyList<int>? firstTargets = null)
    {
        if (contextLength <= 0) throw new ArgumentOutOfRangeException(nameof(contextLength));
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        if (rows.Count == 0) throw new ArgumentException("no rows to batch: the data is empty", nameof(rows));
        _rows = rows;
        ContextLength = contextLength;
        BatchSize = batchSize;
        Seed = seed;
        PadId = padId;
        _firstTargets = firstTargets;
    }

    /// <summary>One row per (context, target) example, such as a prompt and its completion: the loss counts only the
    /// tokens from <c>FirstTarget</c> on (at least 1), so the model learns to produce the completion, not the prompt.
    /// Rows are truncated to context + 1 tokens; rows left with no target are dropped.</summary>
    public static TokenBatches FromMaskedExamples(IEnumerable<(int[] Tokens, int FirstTarget)> examples, int contextLength, int batchSize,
        long seed, int padId)
    {
        var rows = new List<int[]>();
        var firsts = new List<int>();
        foreach (var (tokens, firstTarget) in examples)
        {
            var row = tokens.Length > contextLength + 1 ? tokens[..(contextLength + 1)] : tokens;
            var first = Math.Max(1, firstTarget);
            if (first >= row.Length) continue;
            rows.Add(row);
            firsts.Add(first);
        }
        return new TokenBatches(rows, contextLength, batchSize, seed, padId, firsts);
    }

    /// <summary>One row per example (a prompt-completion pair, a document), truncated to context + 1 tokens; examples
    /// of fewer than 2 tokens carry no target and are dropped.</summary>
    public static TokenBatches FromExamples(IEnumerable<int[]> examples, int contextLength, int batchSize, long seed, int padId) =>
        new(examples.Where(e => e.Length >= 2).Select(e => e.Length > contextLength + 1 ? e[..(contextLength + 1)] : e).ToList(),
            contextLength, batchSize, seed, padId);

    /// <summary>A token stream (documents joined by an end-of-text token) cut into windows of context + 1 tokens that
    /// overlap by one, so every token but the first is a target exactly once; the last window may be short.</summary>
    public static TokenBatches FromStream(IReadOnlyList<int> tokens, int contextLength, int batchSize, long seed, int padId)
    {
        var rows = new List<int[]>();
        for (var start = 0; start + 1 < tokens.Count; start += contextLength)
        {
            var length = Math.Min(contextLength + 1, tokens.Count - start);
            var row = new int[length];
            for (var i = 0; i < length; i++) row[i] = tokens[start + i];
            rows.Add(row);
        }
        return new TokenBatches(rows, contextLength, batchSize, seed, padId);
    }

    public int ContextLength { get; }
    public int BatchSize { get; }
    public long Seed { get; }
    public int PadId { get; }
    public int RowCount => _rows.Count;

    /// <summary>Training batches per epoch: full batches only (the remainder of a shuffled epoch is skipped), or one
    /// batch of every row when there are fewer rows than a batch.</summary>
    public int BatchesPerEpoch => Math.Max(1, _rows.Count / BatchSize);

    /// <summary>Targets counted over all rows (one epoch).</summary>
    public long TargetTokenCount => Enumerable.Range(0, _rows.Count).Sum(i => (long)_rows[i].Length - FirstTarget(i));

    private int FirstTarget(int row) => _firstTargets?[row] ?? 1;

    /// <summary>Training batch <paramref name="index"/> (counted from the start of training, across epochs).</summary>
    public TokenBatch Batch(long index)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index));
        var epoch = index / BatchesPerEpoch;
        var order = Order(epoch);
        var first = (int)(index % BatchesPerEpoch) * BatchSize;
        var count = Math.Min(BatchSize, _rows.Count);
        return Build(Enumerable.Range(first, count).Select(i => order[i]).ToList());
    }

    /// <summary>Every row once, in stored order, in batches (the last may be smaller): for evaluation.</summary>
    public IEnumerable<TokenBatch> InOrder(int? maxRows = null)
    {
        var end = Math.Min(_rows.Count, maxRows ?? int.MaxValue);
        for (var first = 0; first < end; first += BatchSize)
            yield return Build(Enumerable.Range(first, Math.Min(BatchSize, end - first)).ToList());
    }

    /// <summary>The permutation of row indices that epoch <paramref name="epoch"/> visits.</summary>
    public IReadOnlyList<int> Order(long epoch)
    {
        lock (_orders)
        {
            if (_orders.TryGetValue(epoch, out var cached)) return cached;
            var order = Enumerable.Range(0, _rows.Count).ToArray();
            var random = new SplitMix64(unchecked((ulong)Seed * 0x9E3779B97F4A7C15UL + (ulong)epoch + 1));
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = (int)random.NextBelow((ulong)i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            if (_orders.Count > 4) _orders.Clear();
            _orders[epoch] = order;
            return order;
        }
    }

    private TokenBatch Build(IReadOnlyList<int> rowIndices)
    {
        var rows = rowIndices.Select(i => _rows[i]).ToList();
        var firstTargets = rowIndices.Select(FirstTarget).ToList();
        var t = ContextLength;
        var inputs = new long[rows.Count * t];
        var targets = new long[rows.Count * t];
        var mask = new bool[rows.Count * t];
        long counted = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            for (var i = 0; i < t; i++)
            {
                var at = r * t + i;
                var real = i + 1 < row.Length && i + 1 >= firstTargets[r];
                inputs[at] = i < row.Length ? row[i] : PadId;
                targets[at] = real ? row[i + 1] : PadId;
                mask[at] = real;
                if (real) counted++;
            }
        }
        long[] shape = [rows.Count, t];
        return new TokenBatch(torch.tensor(inputs, shape), torch.tensor(targets, shape), torch.tensor(mask, shape), counted);
    }

    /// <summary>Steele, Lea and Flood's SplitMix64: a tiny generator whose output is fixed by its definition, unlike
    /// System.Random's across runtimes.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, bound) by rejection (no modulo bias).</summary>
        public ulong NextBelow(ulong bound)
        {
            var limit = ulong.MaxValue - ulong.MaxValue % bound;
            ulong value;
            do value = Next(); while (value >= limit);
            return value % bound;
        }
    }
}
