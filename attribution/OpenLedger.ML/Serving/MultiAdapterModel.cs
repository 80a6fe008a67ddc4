using System.Runtime.CompilerServices;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OpenLedger.ML.Serving;

/// <summary>One frozen base <see cref="Gpt2Model"/> serving many LoRA adapters at once: every projection of the model
/// is replaced (in place, through <see cref="ProjectionSlot"/>) by a <see cref="MultiAdapterProjection"/> over the
/// model's own weights, and <see cref="Forward"/> takes, beside the tokens, the adapter of each sequence. Weights are
/// never merged for the batched path and the base exists once, whatever the number of adapters.</summary>
/// <remarks>Forwards are serialised by a lock (the per-row adapters are state shared by the projections during one
/// forward). Dispose puts the model's own <c>Linear</c> projections back.</remarks>
public sealed class MultiAdapterModel : IDisposable
{
    private readonly AdapterRows _rows = new();
    private readonly Dictionary<string, (ProjectionSlot Slot, MultiAdapterProjection Projection)> _projections;
    private readonly Lock _gate = new();
    // Adapters already found to fit: their weights never change, and a decoding step would otherwise read every
    // distinct adapter's 2 x 16 shapes again (a P/Invoke each), a share of a one-token step's time at 64 adapters.
    private readonly ConditionalWeakTable<ServedAdapter, object> _fitting = new();
    private bool _disposed;

    /// <summary>The default of <c>gatherFrom</c>: with a few adapters in a batch the segmented matmuls are as fast.</summary>
    public const int DefaultGatherFrom = 4;

    /// <param name="model">A base model without adapters installed; it is frozen and put in eval mode.</param>
    /// <param name="gatherFrom">From this many distinct adapters on one projection in a batch, their updates are
    /// computed by gathered batched matmuls over stacked weights (Punica's BGMV); below, one pair of matmuls per
    /// adapter (<see cref="MultiLora.Forward"/>). <see cref="int.MaxValue"/> never gathers.</param>
    public MultiAdapterModel(Gpt2Model model, int gatherFrom = DefaultGatherFrom)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gatherFrom);
        var slots = model.Projections().ToList();
        var adapted = slots.FirstOrDefault(s => s.Module is not Linear);
        if (adapted is not null)
            throw new InvalidOperationException($"{adapted.Name} holds a {adapted.Module.GetType().Name}: serve a plain base model");
        Model = model;
        model.eval();
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        _projections = new(StringComparer.Ordinal);
        foreach (var slot in slots)
        {
            var projection = new MultiAdapterProjection(slot.Name, (Linear)slot.Module, _rows, gatherFrom);
            slot.Replace(projection);
            _projections[slot.Name] = (slot, projection);
        }
    }

    public Gpt2Model Model { get; }

    /// <summary>The projection names an adapter may target.</summary>
    public IReadOnlyCollection<string> ProjectionNames => _projections.Keys;

    /// <summary>The base weight [out, in] of each projection an adapter may target, by name (what
    /// <see cref="AdapterValidator.For"/> checks adapters against).</summary>
    public IReadOnlyDictionary<string, Parameter> ProjectionWeights =>
        _projections.ToDictionary(p => p.Key, p => p.Value.Projection.Weight, StringComparer.Ordinal);

    /// <summary>Logits [batch, time, vocab] of <paramref name="tokens"/> [batch, time] where row r runs through the base
    /// plus <paramref name="adapterOfRow"/>[r] (null: the base alone).</summary>
    public Tensor Forward(Tensor tokens, IReadOnlyList<ServedAdapter?> adapterOfRow) =>
        Run(tokens, adapterOfRow, () => Model.call(tokens));

    /// <summary>Logits [batch, vocab] at one position per row, <paramref name="positionOfRow"/>[r] of row r, otherwise
    /// as <see cref="Forward"/>. Decoding needs only each row's last position: projecting every position onto the
    /// vocabulary would be a quarter of a small model's work (and its largest tensor) for nothing.</summary>
    public Tensor ForwardAt(Tensor tokens, IReadOnlyList<ServedAdapter?> adapterOfRow, IReadOnlyList<long> positionOfRow)
    {
        if (positionOfRow.Count != adapterOfRow.Count)
            throw new ArgumentException($"{positionOfRow.Count} positions for {adapterOfRow.Count} rows");
        if (positionOfRow.Any(p => p < 0 || p >= tokens.shape[^1]))
            throw new ArgumentOutOfRangeException(nameof(positionOfRow), $"a position is outside [0, {tokens.shape[^1]})");
        return Run(tokens, adapterOfRow, () =>
        {
            using var scope = torch.NewDisposeScope();
            var hidden = Model.HiddenStates(tokens);
            using var rowCount = ((long)adapterOfRow.Count).ToScalar();
            var rows = torch.arange(HeldScalars.Zero, rowCount, HeldScalars.One, dtype: ScalarType.Int64, device: tokens.device);
            var positions = torch.tensor(positionOfRow.ToArray(), dtype: ScalarType.Int64, device: tokens.device);
            return scope.MoveToOuter(Head(hidden[rows, positions]));
        });
    }

    /// <summary>The prefill of a KV-cached decoding (<see cref="Gpt2Model.Prefill"/>) where row r runs through the base
    /// plus <paramref name="adapterOfRow"/>[r]: the logits [rows, vocab] at each row's last prompt token and the cache
    /// of the prompts, right-padded in <paramref name="tokens"/> to the longest of <paramref name="lengths"/>, with room
    /// for <paramref name="capacity"/> positions (the context when null).</summary>
    public (Tensor Logits, KvCache Cache) Prefill(Tensor tokens, IReadOnlyList<long> lengths, IReadOnlyList<ServedAdapter?> adapterOfRow, long? capacity = null) =>
        Run(tokens, adapterOfRow, () =>
        {
            using var scope = torch.NewDisposeScope();
            var (hidden, cache) = Model.Prefill(tokens, lengths, capacity);
            return (scope.MoveToOuter(Head(hidden)), cache);
        });

    /// <summary>One KV-cached decoding step (<see cref="Gpt2Model.Step"/>): the logits [rows, vocab] after each row's
    /// token in <paramref name="tokens"/> [rows, 1], row r through the base plus <paramref name="adapterOfRow"/>[r].</summary>
    public Tensor Step(Tensor tokens, KvCache cache, IReadOnlyList<ServedAdapter?> adapterOfRow) =>
        Run(tokens, adapterOfRow, () =>
        {
            using var scope = torch.NewDisposeScope();
            return scope.MoveToOuter(Head(Model.Step(tokens, cache)));
        });

    // The head is tied to the token embedding, as in Gpt2Model.forward.
    private Tensor Head(Tensor hidden) => nn.functional.linear(hidden, Model.TokenEmbedding);

    private T Run<T>(Tensor tokens, IReadOnlyList<ServedAdapter?> adapterOfRow, Func<T> forward)
    {
        if (tokens.dim() != 2 || tokens.shape[0] != adapterOfRow.Count)
            throw new ArgumentException($"{adapterOfRow.Count} adapters for tokens [{string.Join(", ", tokens.shape)}]");
        var distinct = new List<ServedAdapter>();
        var index = new Dictionary<ServedAdapter, int>(ReferenceEqualityComparer.Instance);
        var rows = new int[adapterOfRow.Count];
        for (var r = 0; r < rows.Length; r++)
        {
            var adapter = adapterOfRow[r];
            if (adapter is null) { rows[r] = -1; continue; }
            if (!index.TryGetValue(adapter, out var i))
            {
                Check(adapter);
                i = index[adapter] = distinct.Count;
                distinct.Add(adapter);
            }
            rows[r] = i;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var noGrad = torch.no_grad();
            _rows.Current = new BatchAdapters(distinct, rows);
            try
            {
                return forward();
            }
            finally
            {
                _rows.Current = null;
            }
        }
    }

    /// <summary>Frees the per-batch copies (stacked adapter weights) kept between the decoding steps of a batch.</summary>
    public void EndBatch()
    {
        lock (_gate)
            foreach (var (_, projection) in _projections.Values) projection.ReleaseStacked();
    }

    /// <summary>Runs <paramref name="run"/> with <paramref name="adapter"/> merged into the base weights (W + scaling·B·A),
    /// then restores the base weights bit for bit from a copy (subtracting would leave rounding behind): the
    /// "merge per request" reference mode. No other forward runs meanwhile.</summary>
    public T RunMerged<T>(ServedAdapter adapter, Func<T> run)
    {
        Check(adapter);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var noGrad = torch.no_grad();
            var saved = new List<(Parameter Weight, Tensor Copy)>();
            try
            {
                foreach (var (name, weights) in adapter.Layers)
                {
                    var weight = _projections[name].Projection.Weight;
                    saved.Add((weight, weight.detach().clone()));
                    using var delta = weights.Delta();
                    weight.add_(delta, HeldScalars.One);
                }
                return run();
            }
            finally
            {
                foreach (var (weight, copy) in saved)
                {
                    weight.copy_(copy);
                    copy.Dispose();
                }
            }
        }
    }

    /// <summary>Puts the model's own projections back.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var (slot, projection) in _projections.Values)
            {
                projection.ReleaseStacked();
                slot.Replace(projection.Base);
            }
        }
    }

    private void Check(ServedAdapter adapter)
    {
        ObjectDisposedException.ThrowIf(adapter.IsDisposed, adapter);
        if (_fitting.TryGetValue(adapter, out _)) return;
        foreach (var (name, weights) in adapter.Layers)
        {
            if (!_projections.TryGetValue(name, out var entry))
                throw new ArgumentException($"adapter {adapter.Id} targets '{name}', which this model does not have");
            if (AdapterValidator.FitProblem(name, weights, ProjectionShape.Of(entry.Projection.Weight)) is { } misfit)
                throw new ArgumentException($"adapter {adapter.Id}: {misfit}");
        }
        _fitting.AddOrUpdate(adapter, adapter);
    }
}
