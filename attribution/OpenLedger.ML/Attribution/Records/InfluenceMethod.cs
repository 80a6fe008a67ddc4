namespace OpenLedger.ML.Attribution.Records;

/// <summary>How a record's scores were computed: everything besides the adapter, the index and the served text that a
/// verifier needs to recompute them (<see cref="Name"/> is <see cref="LoraGradientInfluence"/>, the LoRA gradient
/// influence of <see cref="InfluenceQuery"/>), and the rule that turned scores into weights (<see cref="TailRule"/>
/// names <see cref="AttributionWeights"/>'s rule, so a later rule cannot be mistaken for it).</summary>
public sealed record InfluenceMethod(
    string Name, ProjectionSpec Projection, PreconditionerKind Preconditioner, double Damping,
    int MaxAttributions, ulong WeightScale, string TailRule)
{
    public const string LoraGradientInfluence = "lora-gradient-influence";

    /// <summary><see cref="AttributionWeights"/>: positive scores only, top maxAttributions by score, tail dropped,
    /// shares renormalised over the kept, integer weights by largest remainder.</summary>
    public const string DropTailRenormalise = "positive-top-k-drop-tail-renormalise";

    /// <summary>The method <see cref="InfluenceQuery"/> with this index's parameters and <see cref="AttributionWeights"/> use.</summary>
    public static InfluenceMethod ForIndex(ProjectionSpec projection, PreconditionerKind preconditioner, double damping, int maxAttributions) =>
        new(LoraGradientInfluence, projection, preconditioner, damping, maxAttributions, AttributionWeights.Scale, DropTailRenormalise);

    /// <summary>The largest integer a JSON number carries exactly in every reader (2^53).</summary>
    public const ulong MaxExactInteger = 1UL << 53;

    internal InfluenceMethod Validated()
    {
        if (Name != LoraGradientInfluence) throw Bad($"unknown method '{Name}'");
        if (TailRule != DropTailRenormalise) throw Bad($"unknown tail rule '{TailRule}'");
        if (Projection.InputDims < 0 || Projection.OutputDims < 0) throw Bad($"projection dims must be >= 0: {Projection.InputDims}, {Projection.OutputDims}");
        if (!Enum.IsDefined(Preconditioner)) throw Bad($"unknown preconditioner {(int)Preconditioner}");
        if (!double.IsFinite(Damping) || Damping < 0) throw Bad($"damping must be finite and >= 0, got {Damping}");
        if (MaxAttributions < 1) throw Bad($"maxAttributions must be at least 1, got {MaxAttributions}");
        if (WeightScale < 1 || WeightScale > MaxExactInteger) throw Bad($"weight scale must be in [1, 2^53], got {WeightScale}");
        return this;
    }

    private static InvalidAttributionRecordException Bad(string detail) => new(RecordFault.BadValue, detail);
}
