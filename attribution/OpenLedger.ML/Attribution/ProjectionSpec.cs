namespace OpenLedger.ML.Attribution;

/// <summary>How each LoRA layer's gradient is compressed (LoGra's factored projection, Choe et al. 2024): the gradient
/// of A [rank, in] is Σₜ (s·Bᵀgₜ) xₜᵀ and is kept as Σₜ (s·Bᵀgₜ)(P_in xₜ)ᵀ [rank, <see cref="InputDims"/>]; the
/// gradient of B [out, rank] is Σₜ s·gₜ hₜᵀ and is kept as Σₜ (P_out s·gₜ) hₜᵀ [<see cref="OutputDims"/>, rank]. The
/// rank side is already small and stays exact. P_in and P_out are fixed Gaussian matrices (N(0, 1/k)) drawn from
/// <see cref="Seed"/> and the layer's position, so anyone can redraw them. A side whose dimension is 0 or at least
/// the layer's own is not projected (identity): the kept gradient is then the exact one.</summary>
public sealed record ProjectionSpec(int InputDims, int OutputDims, long Seed)
{
    /// <summary>No projection anywhere: exact per-example gradients (tests, tiny models).</summary>
    public static ProjectionSpec Exact { get; } = new(0, 0, 0);

    /// <summary>The default for the built-in base (rank 8 on 16 projections): 4 dims per side, 64 per layer,
    /// 1,024 per example (4 KiB): see the README's attribution section for the measurements behind it.</summary>
    public static ProjectionSpec Default { get; } = new(4, 4, 0x4F4C_4154_5452L);

    /// <summary>The dimension a side of <paramref name="full"/> features is kept at.</summary>
    public static int Kept(int requested, int full) => requested <= 0 || requested >= full ? full : requested;

    public ProjectionSpec Validated() =>
        InputDims < 0 || OutputDims < 0
            ? throw new ArgumentOutOfRangeException(nameof(InputDims), $"projection dimensions must be >= 0: {InputDims}, {OutputDims}")
            : this;
}
