namespace OpenLedger.ML.Model;

/// <summary>The shape of a GPT-2 model. The field names follow Hugging Face's <c>GPT2Config</c> in meaning
/// (vocab_size, n_positions, n_embd, n_layer, n_head, *_pdrop, layer_norm_epsilon) so a real checkpoint's
/// config.json maps onto it one to one.</summary>
public sealed record Gpt2Config(
    int VocabSize,
    int ContextLength,
    int ModelDim,
    int Layers,
    int Heads,
    double Dropout = 0.1,
    double LayerNormEpsilon = 1e-5)
{
    /// <summary>OpenAI's GPT-2 small (124M parameters).</summary>
    public static Gpt2Config Small { get; } = new(50257, 1024, 768, 12, 12);

    public int HeadDim => ModelDim / Heads;

    /// <summary>Throws on a shape that cannot be built (a bug in the caller, not a user error).</summary>
    public Gpt2Config Validated()
    {
        if (VocabSize <= 0 || ContextLength <= 0 || ModelDim <= 0 || Layers <= 0 || Heads <= 0)
            throw new ArgumentException($"every GPT-2 dimension must be positive: {this}");
        if (ModelDim % Heads != 0)
            throw new ArgumentException($"the model dimension {ModelDim} is not divisible by {Heads} heads");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"dropout must be in [0, 1): {Dropout}");
        return this;
    }
}
