using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML;

/// <summary>Tensor comparisons for the ML tests (TorchSharp's <c>torch.equal</c> is element-wise).</summary>
internal static class TensorAssert
{
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var equal = a.eq(b).all();
        return equal.item<bool>();
    }

    public static void Equal(Tensor expected, Tensor actual, string? because = null)
    {
        if (!Same(expected, actual)) Assert.Fail(because ?? $"tensors differ: max |Δ| = {MaxDifference(expected, actual)}");
    }

    /// <summary>Within fp32 tolerance: |a − b| ≤ atol + rtol·|b| everywhere.</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol = 1e-4, double atol = 1e-5)
    {
        if (!expected.shape.SequenceEqual(actual.shape) || !actual.allclose(expected, rtol, atol))
            Assert.Fail($"tensors differ beyond tolerance: max |Δ| = {MaxDifference(expected, actual)}");
    }

    public static double MaxDifference(Tensor a, Tensor b)
    {
        using var difference = (a - b).abs().max();
        return difference.ToDouble();
    }

    /// <summary>A fixed tensor of token ids [batch, time] drawn from its own generator.</summary>
    public static Tensor Tokens(int batch, int time, int vocab, ulong seed)
    {
        using var generator = new Generator(seed, torch.CPU);
        return torch.randint(0, vocab, [batch, time], dtype: ScalarType.Int64, generator: generator);
    }

    /// <summary>Standard-normal values of <paramref name="shape"/> from their own generator.</summary>
    public static Tensor Normal(ulong seed, params long[] shape)
    {
        using var generator = new Generator(seed, torch.CPU);
        return torch.randn(shape, generator: generator);
    }
}
