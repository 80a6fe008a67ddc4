namespace OpenLedger.ML.Lora;

/// <summary>How a LoRA adapter is shaped (Hu et al. 2021): rank r of the update B·A, its scale α/r, dropout on the
/// adapter's input, and which projections get one. A target names a module by its trailing path, as peft's
/// <c>target_modules</c> does: "attn.c_proj" matches <c>h.3.attn.c_proj</c> but not <c>h.3.mlp.c_proj</c>;
/// "c_proj" matches both.</summary>
public sealed record LoraConfig(int Rank, double Alpha, IReadOnlyList<string> TargetModules, double Dropout = 0)
{
    /// <summary>Every projection of a GPT-2 block: attention in and out, MLP in and out.</summary>
    public static IReadOnlyList<string> AllProjections { get; } = ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"];

    /// <summary>α/r: the update's scale is independent of the rank, so changing r does not require retuning the
    /// learning rate.</summary>
    public double Scaling => Alpha / Rank;

    public bool Targets(string moduleName) =>
        TargetModules.Any(t => moduleName == t || moduleName.EndsWith("." + t, StringComparison.Ordinal));

    public LoraConfig Validated()
    {
        if (Rank <= 0) throw new ArgumentException($"LoRA rank must be positive: {Rank}");
        if (Alpha <= 0) throw new ArgumentException($"LoRA alpha must be positive: {Alpha}");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"LoRA dropout must be in [0, 1): {Dropout}");
        if (TargetModules.Count == 0) throw new ArgumentException("LoRA needs at least one target module");
        return this;
    }
}
