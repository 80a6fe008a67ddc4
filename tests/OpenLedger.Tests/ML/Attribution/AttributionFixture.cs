using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML.Attribution;

/// <summary>A tiny GPT-2 with a LoRA adapter whose B is random (as after training: with B = 0 the gradient of A is
/// zero), seeded rows of varied length and answer start, and the reference the engine is checked against: one
/// forward and backward pass per row, reading A.grad and B.grad.</summary>
internal static class AttributionFixture
{
    public static readonly Gpt2Config Tiny = Gpt2Tests.Tiny with { Dropout = 0 };

    public static (Gpt2Model Model, LoraAdapter Adapter) Model(LoraConfig lora, long seed = 1)
    {
        var model = new Gpt2Model(Tiny, seed);
        var adapter = LoraAdapter.Apply(model, lora, seed + 1);
        using var generator = new Generator(unchecked((ulong)seed + 2), torch.CPU);
        using var noGrad = torch.no_grad();
        foreach (var (_, layer) in adapter.Layers) layer.B.normal_(0, 0.05, generator);
        return (model, adapter);
    }

    /// <summary><paramref name="count"/> rows of 3 to context + 1 tokens, the answer starting somewhere after the first.</summary>
    public static AttributionRow[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var length = random.Next(3, Tiny.ContextLength + 2);
            var tokens = Enumerable.Range(0, length).Select(_ => random.Next(Tiny.VocabSize)).ToArray();
            return new AttributionRow(tokens, random.Next(1, length));
        }).ToArray();
    }

    public static Hash32 Contribution(int i) => Keccak256.Hash($"contribution {i}");

    /// <summary>The exact gradient of one row's answer NLL (summed) w.r.t. every layer's A then B, flattened in the
    /// engine's order, by a plain backward pass on that row alone.</summary>
    public static double[] ExactGradient(Gpt2Model model, LoraAdapter adapter, AttributionRow row)
    {
        model.eval();
        foreach (var (_, layer) in adapter.Layers)
        {
            using var a = layer.A.grad;
            a?.zero_();
            using var b = layer.B.grad;
            b?.zero_();
        }
        using (var scope = torch.NewDisposeScope())
        {
            var inputs = torch.tensor(row.Tokens[..^1].Select(t => (long)t).ToArray(), [1, row.Tokens.Length - 1]);
            var logProbs = nn.functional.log_softmax(model.call(inputs), -1);
            var terms = new List<Tensor>();
            for (var i = row.FirstTarget - 1; i < row.Tokens.Length - 1; i++) terms.Add(logProbs[0, i, row.Tokens[i + 1]]);
            torch.stack(terms).sum().neg().backward();
        }
        var gradient = new List<double>();
        using (var scope = torch.NewDisposeScope())
        {
            foreach (var (_, layer) in adapter.Layers)
            {
                gradient.AddRange(layer.A.grad!.to(ScalarType.Float64).data<double>().ToArray());
                gradient.AddRange(layer.B.grad!.to(ScalarType.Float64).data<double>().ToArray());
            }
        }
        return [.. gradient];
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
