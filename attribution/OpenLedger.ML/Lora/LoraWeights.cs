using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Lora;

/// <summary>One layer's low-rank update, ΔW = scaling · B·A, with A [r, in] and B [out, r]: what OpenLoRA keeps per
/// adapter and per projection, next to the one shared base weight.</summary>
public sealed record LoraWeights(Tensor A, Tensor B, double Scaling)
{
    public long Rank => A.shape[0];

    /// <summary>The dense update [out, in]. For checks and merging only: serving never materialises it.</summary>
    public Tensor Delta()
    {
        using var scaling = Scaling.ToScalar();
        using var product = B.matmul(A);
        return product.mul(scaling);
    }
}
