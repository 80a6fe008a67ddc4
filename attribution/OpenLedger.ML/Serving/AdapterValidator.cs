using OpenLedger.ML.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Serving;

/// <summary>What one base model accepts as an adapter, checked once when the <see cref="AdapterCache"/> loads one: every
/// layer is a projection the model has; A is [r, in] and B [out, r] of that projection's in and out features; both in
/// the model's dtype and finite; r within <see cref="MaxRank"/> and the projection's own size; alpha / r finite. An
/// adapter that passes cannot make a batch's forward pass throw (whatever its shapes), so it cannot fail the other
/// adapters' rows; one that does not is refused before any batch holds it.</summary>
public sealed class AdapterValidator
{
    /// <summary>4× Model Factory's largest rank (<c>FineTuneSpec.MaxRank</c>), room for adapters trained elsewhere. A
    /// bound at all because a batch's stacked weights pad every adapter to the largest rank among them
    /// (<see cref="StackedLoraWeights"/>): one huge rank would make its whole batch pay for it.</summary>
    public const int DefaultMaxRank = 256;

    private readonly IReadOnlyDictionary<string, ProjectionShape> _projections;

    /// <param name="projections">The base model's projections by module name (<c>h.0.attn.c_attn</c>).</param>
    /// <param name="dtype">The base weights' dtype, which the adapter's tensors must have.</param>
    /// <param name="maxRank">The largest rank served.</param>
    public AdapterValidator(IReadOnlyDictionary<string, ProjectionShape> projections, ScalarType dtype, int maxRank = DefaultMaxRank)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRank);
        _projections = projections;
        DType = dtype;
        MaxRank = maxRank;
    }

    public ScalarType DType { get; }

    public int MaxRank { get; }

    /// <summary>The validator of the adapters <paramref name="model"/> serves.</summary>
    public static AdapterValidator For(MultiAdapterModel model, int maxRank = DefaultMaxRank)
    {
        var weights = model.ProjectionWeights;
        var shapes = weights.ToDictionary(w => w.Key, w => ProjectionShape.Of(w.Value), StringComparer.Ordinal);
        var dtypes = weights.Values.Select(w => w.dtype).Distinct().ToList();
        if (dtypes.Count != 1) throw new InvalidOperationException($"the base model's projections mix dtypes: {string.Join(", ", dtypes)}");
        return new AdapterValidator(shapes, dtypes[0], maxRank);
    }

    /// <summary>Null when <paramref name="adapter"/> can be served; otherwise why not, naming the layer and the mismatch
    /// (the first one found, layers in name order so the answer does not depend on the artifact's order).</summary>
    public string? Problem(ServedAdapter adapter)
    {
        foreach (var (name, weights) in adapter.Layers.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (!_projections.TryGetValue(name, out var projection))
                return $"layer '{name}' is not a projection of the base model";
            var (a, b) = (weights.A, weights.B);
            if (a.dtype != DType || b.dtype != DType)
                return $"{name}: A is {a.dtype} and B {b.dtype}; the base model's weights are {DType}";
            if (a.dim() != 2 || b.dim() != 2)
                return $"{name}: A is {Shape(a)} and B {Shape(b)}; both must be matrices";
            var rank = a.shape[0];
            if (b.shape[1] != rank)
                return $"{name}: A has rank {rank} ({Shape(a)}) but B has rank {b.shape[1]} ({Shape(b)})";
            if (FitProblem(name, weights, projection) is { } misfit) return misfit;
            var rankBound = Math.Min(MaxRank, Math.Min(projection.InFeatures, projection.OutFeatures));
            if (rank < 1 || rank > rankBound)
                return $"{name}: rank {rank} is outside [1, {rankBound}] (the served maximum {MaxRank} and the projection's size)";
            if (!double.IsFinite(weights.Scaling) || !(weights.Scaling > 0))
                return $"{name}: scaling alpha / rank = {adapter.Alpha} / {rank} is {weights.Scaling}, not a positive finite number";
            if (!AllFinite(a)) return $"{name}: A holds NaN or infinite values";
            if (!AllFinite(b)) return $"{name}: B holds NaN or infinite values";
        }
        return null;
    }

    /// <summary>Null when A [r, in] and B [out, r] fit <paramref name="projection"/>'s in and out features; otherwise
    /// the mismatch. The one statement of that rule: <see cref="MultiAdapterModel"/> checks it again before every forward
    /// pass, for adapters that did not come through a validating cache.</summary>
    internal static string? FitProblem(string name, LoraWeights weights, ProjectionShape projection)
    {
        var (a, b) = (weights.A, weights.B);
        if (a.shape[1] != projection.InFeatures)
            return $"{name}: A is {Shape(a)}, the projection takes {projection.InFeatures} inputs (A must be [r, {projection.InFeatures}])";
        if (b.shape[0] != projection.OutFeatures)
            return $"{name}: B is {Shape(b)}, the projection gives {projection.OutFeatures} outputs (B must be [{projection.OutFeatures}, r])";
        return null;
    }

    private static bool AllFinite(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return torch.isfinite(tensor).all().item<bool>();
    }

    private static string Shape(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";
}

/// <summary>A base projection's sizes: y = x·Wᵀ with W [out, in].</summary>
public readonly record struct ProjectionShape(long InFeatures, long OutFeatures)
{
    /// <summary>The sizes of the projection whose weight is <paramref name="weight"/> [out, in].</summary>
    public static ProjectionShape Of(Tensor weight) => new(weight.shape[1], weight.shape[0]);
}
