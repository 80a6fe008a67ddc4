using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Model;

/// <summary>Inverted dropout drawing its mask from its own generator instead of libtorch's global one.
/// Why: a fine-tuning job must be replayable from (seed, data) to prove what an adapter was trained on, and the
/// global generator is shared by every thread in the silo (another job, a test running in parallel), so
/// <c>nn.Dropout</c> would make the result depend on who else drew random numbers meanwhile.</summary>
public sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    private readonly double _p;
    private readonly Generator _generator;

    public SeededDropout(double p, Generator generator) : base(nameof(SeededDropout))
    {
        if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout must be in [0, 1)");
        _p = p;
        _generator = generator;
    }

    public override Tensor forward(Tensor input)
    {
        if (!training || _p == 0) return input;
        // The generator lives on the CPU: draw there and move the mask, so a GPU model stays replayable too.
        using var p = _p.ToScalar();
        using var keepScale = (1 - _p).ToScalar();
        using var keep = torch.rand(input.shape, dtype: input.dtype, generator: _generator).ge_(p);
        using var mask = keep.to(input.device);
        using var kept = input.mul(mask);
        return kept.div(keepScale);
    }
}
