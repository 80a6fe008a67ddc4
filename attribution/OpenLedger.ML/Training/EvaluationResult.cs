namespace OpenLedger.ML.Training;

/// <summary>A held-out evaluation: mean loss per counted token, the number counted, and each row's mean loss.</summary>
public sealed record EvaluationResult(double Loss, long Tokens, IReadOnlyList<double> RowLosses)
{
    public double Perplexity => Math.Exp(Loss);
}
