namespace OpenLedger.ML.Attribution;

/// <summary>Which approximation of the inverse Fisher (Gauss-Newton) the index applies to a query gradient.</summary>
public enum PreconditionerKind : byte
{
    /// <summary>Plain gradient dot products (TracIn at one checkpoint): a baseline, and exact checks in tests.</summary>
    None = 0,

    /// <summary>TRAK's (ΦᵀΦ + λI)⁻¹ over the whole projected gradient, λ = damping × mean eigenvalue of ΦᵀΦ.</summary>
    Global = 1,

    /// <summary>One (Φ_lᵀΦ_l + λ_l I)⁻¹ block per LoRA layer (block-diagonal, as K-FAC/LoGra treat layers as independent),
    /// each damped relative to its own mean eigenvalue, so a layer with small gradients is not drowned by one with
    /// large ones.</summary>
    PerLayer = 2,
}
