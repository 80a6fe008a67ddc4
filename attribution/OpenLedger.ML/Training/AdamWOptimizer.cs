using OpenLedger.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OpenLedger.ML.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization"; bias-corrected moments as in Kingma and
/// Ba), step for step the arithmetic of TorchSharp's <c>torch.optim.AdamW</c>, so a run gives the same weights bit for
/// bit. It exists because TorchSharp's own step passes every hyperparameter to libtorch as a temporary
/// <see cref="Scalar"/> the finalizer can free mid-call (see <see cref="HeldScalars"/>); here every Scalar is held
/// across its call. Its moments are plain tensors, which is what the trainer's checkpoints store.
/// </summary>
public sealed class AdamWOptimizer : IDisposable
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly double _beta1, _beta2, _epsilon, _weightDecay;

    public AdamWOptimizer(IReadOnlyList<Parameter> parameters, double beta1, double beta2, double epsilon, double weightDecay)
    {
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "must be in [0, 1)");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "must be in [0, 1)");
        if (epsilon < 0) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must be >= 0");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "must be >= 0");
        _parameters = parameters;
        (_beta1, _beta2, _epsilon, _weightDecay) = (beta1, beta2, epsilon, weightDecay);
        ExpAvg = parameters.Select(p => torch.zeros_like(p)).ToList();
        ExpAvgSq = parameters.Select(p => torch.zeros_like(p)).ToList();
    }

    /// <summary>Steps taken (the bias corrections depend on it); set when a checkpoint is restored.</summary>
    public long Step { get; set; }

    /// <summary>First moments, one per parameter, in the parameters' order.</summary>
    public IReadOnlyList<Tensor> ExpAvg { get; }

    /// <summary>Second moments, one per parameter, in the parameters' order.</summary>
    public IReadOnlyList<Tensor> ExpAvgSq { get; }

    /// <summary>Zeroes the gradients in place (kept, not dropped, as TorchSharp's optimizers do).</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            using var grad = p.grad;
            if (grad is null) continue;
            grad.zero_().Dispose();
        }
    }

    /// <summary>One update of every parameter that has a gradient, at <paramref name="learningRate"/>.</summary>
    public void Update(double learningRate)
    {
        Step++;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using var decay = (1 - learningRate * _weightDecay).ToScalar();
        using var beta1 = _beta1.ToScalar();
        using var beta2 = _beta2.ToScalar();
        using var oneMinusBeta1 = (1 - _beta1).ToScalar();
        using var oneMinusBeta2 = (1 - _beta2).ToScalar();
        using var epsilon = _epsilon.ToScalar();
        using var sqrtCorrection2 = Math.Sqrt(1 - Math.Pow(_beta2, Step)).ToScalar();
        using var negativeStepSize = (-(learningRate / (1 - Math.Pow(_beta1, Step)))).ToScalar();
        for (var i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            var grad = parameter.grad;
            if (grad is null) continue;
            parameter.mul_(decay);
            ExpAvg[i].mul_(beta1).add_(grad, oneMinusBeta1);
            ExpAvgSq[i].mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            var denominator = ExpAvgSq[i].sqrt().div_(sqrtCorrection2).add_(epsilon, HeldScalars.One);
            parameter.addcdiv_(ExpAvg[i], denominator, negativeStepSize);
        }
    }

    public void Dispose()
    {
        foreach (var t in ExpAvg.Concat(ExpAvgSq)) t.Dispose();
    }
}
