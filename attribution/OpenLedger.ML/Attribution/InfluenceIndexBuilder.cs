using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;

namespace OpenLedger.ML.Attribution;

/// <summary>One training example as the index sees it: its row and the contribution (content hash) it came from.</summary>
public sealed record IndexedExample(AttributionRow Row, Hash32 Contribution);

/// <summary>Builds an adapter's <see cref="InfluenceIndex"/> after training: the projected per-example gradients of every
/// training example in batches of similar length (one forward and backward pass per batch), stored in the given order, then the preconditioner
/// fitted on them. Cancellation is checked between batches. Same model, adapter, examples and options on one torch thread: byte-identical index.</summary>
public static class InfluenceIndexBuilder
{
    public const int DefaultBatchSize = 32;

    public static InfluenceIndex Build(Gpt2Model model, LoraAdapter adapter, IReadOnlyList<IndexedExample> examples, ProjectionSpec projection,
        PreconditionerKind preconditioner, double damping = Preconditioner.DefaultDamping, int batchSize = DefaultBatchSize,
        CancellationToken cancellationToken = default)
    {
        if (examples.Count == 0) throw new AttributionException(AttributionException.EmptyIndex, "no training examples to index");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1");
        using var gradients = new LoraGradients(model, adapter, projection);
        var dimension = gradients.Dimension;
        var rows = new float[(long)examples.Count * dimension];
        // Batches of similar length (a batch is padded to its longest row, and glosses vary several-fold), each row's
        // gradient copied back to its example's place: the order is a pure function of the rows, so the bytes are too.
        var byLength = Enumerable.Range(0, examples.Count).OrderBy(i => examples[i].Row.Tokens.Length).ThenBy(i => i).ToArray();
        var buffer = new float[(long)Math.Min(batchSize, examples.Count) * dimension];
        for (var first = 0; first < examples.Count; first += batchSize)
        {
            // Between batches: a cancelled build stops within one forward and backward pass.
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, examples.Count - first);
            var batch = new AttributionRow[count];
            for (var i = 0; i < count; i++) batch[i] = examples[byLength[first + i]].Row;
            gradients.Compute(batch, buffer.AsSpan(0, count * dimension));
            for (var i = 0; i < count; i++)
                buffer.AsSpan(i * dimension, dimension).CopyTo(rows.AsSpan(byLength[first + i] * dimension, dimension));
        }
        for (var i = 0; i < rows.Length; i++)
            if (!float.IsFinite(rows[i]))
                throw new AttributionException(AttributionException.NonFiniteScore, $"example {i / dimension} has a non-finite gradient");

        var contributions = new List<Hash32>();
        var position = new Dictionary<Hash32, int>();
        var contributionOfRow = new int[examples.Count];
        for (var i = 0; i < examples.Count; i++)
        {
            var contribution = examples[i].Contribution;
            if (!position.TryGetValue(contribution, out var at))
            {
                at = contributions.Count;
                position[contribution] = at;
                contributions.Add(contribution);
            }
            contributionOfRow[i] = at;
        }
        var fitted = Preconditioner.Fit(rows, examples.Count, gradients.Layout, preconditioner, damping);
        return new InfluenceIndex(projection, gradients.Layout, rows, contributionOfRow, contributions, fitted);
    }
}
