using TorchSharp;

namespace OpenLedger.ML.Runtime;

/// <summary>
/// The constant Scalars the engine passes to libtorch, made once and held for the life of the process.
/// </summary>
/// <remarks>
/// A TorchSharp <see cref="Scalar"/> frees its native value in its finalizer, so a temporary one (an implicit
/// conversion, or the <c>1</c> that <c>Tensor.add(Tensor)</c> makes inside TorchSharp) can be freed by a garbage
/// collection on another thread while libtorch still reads it. A CI run caught exactly that in <c>masked_fill</c>
/// ("Expected false to be true" from <c>c10::Scalar::toLong</c>). The build's rule OL1001 refuses such temporaries;
/// constants come from here, values from a <c>using var s = value.ToScalar()</c> that outlives the call. Native
/// Scalars are read-only, so sharing them between threads is safe.
/// </remarks>
public static class HeldScalars
{
    /// <summary>The integer 1: the <c>alpha</c> of a plain <c>a.add(b, One)</c>, exactly what TorchSharp's
    /// <c>a + b</c> passes.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer 0 (a range's start).</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Float −∞: a masked attention score.</summary>
    public static readonly Scalar NegativeInfinity = float.NegativeInfinity.ToScalar();

    /// <summary>The double 1.0 (a LayerNorm gain at initialisation).</summary>
    public static readonly Scalar OneDouble = 1.0.ToScalar();
}
