using OpenLedger.ML.Attribution;
using OpenLedger.ML.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>Each row's answer loss: the summed negative log-likelihood of its answer tokens (from
/// <see cref="AttributionRow.FirstTarget"/> on), the quantity the index's gradients are of, under the model as it is
/// (adapter applied or merged), batched without gradients. Its negation is the log-probability of the answer, what
/// the truthfulness benchmarks measure a retrained model by.</summary>
public static class AnswerLoss
{
    public static double[] Of(Gpt2Model model, IReadOnlyList<AttributionRow> rows, int batchSize = 64)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        var losses = new double[rows.Count];
        for (var first = 0; first < rows.Count; first += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            var batch = rows.Skip(first).Take(batchSize).ToList();
            var width = batch.Max(r => r.Tokens.Length) - 1;
            var inputs = new long[batch.Count * width];
            var targets = new long[batch.Count * width];
            var mask = new double[batch.Count * width];
            for (var r = 0; r < batch.Count; r++)
            {
                var tokens = batch[r].Tokens;
                for (var t = 0; t < tokens.Length - 1; t++)
                {
                    inputs[r * width + t] = tokens[t];
                    targets[r * width + t] = tokens[t + 1];
                    if (t + 1 >= batch[r].FirstTarget) mask[r * width + t] = 1;
                }
            }
            var logProbs = nn.functional.log_softmax(model.call(torch.tensor(inputs, [batch.Count, width])).to(ScalarType.Float64), -1);
            var picked = logProbs.gather(2, torch.tensor(targets, [batch.Count, width, 1])).squeeze(2);
            var sums = picked.mul(torch.tensor(mask, [batch.Count, width], dtype: ScalarType.Float64)).sum(1).neg().data<double>().ToArray();
            sums.CopyTo(losses, first);
        }
        return losses;
    }
}
