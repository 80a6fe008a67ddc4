using static TorchSharp.torch;

namespace OpenLedger.ML.Training;

/// <summary>One batch for a causal LM objective: <see cref="Inputs"/> [batch, context] token ids, <see cref="Targets"/>
/// the next token at each position, and <see cref="Mask"/> true where the target is a real token (false on padding).
/// </summary>
public sealed class TokenBatch(Tensor inputs, Tensor targets, Tensor mask, long tokenCount) : IDisposable
{
    public Tensor Inputs { get; } = inputs;
    public Tensor Targets { get; } = targets;
    public Tensor Mask { get; } = mask;

    /// <summary>How many targets the loss counts (true entries of <see cref="Mask"/>).</summary>
    public long TokenCount { get; } = tokenCount;

    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
        Mask.Dispose();
    }
}
