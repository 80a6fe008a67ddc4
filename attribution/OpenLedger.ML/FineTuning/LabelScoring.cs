namespace OpenLedger.ML.FineTuning;

/// <summary>How <see cref="LabelClassifier"/> turns a label's token log-probabilities into its score.</summary>
public enum LabelScoring
{
    /// <summary>Their sum: the label's log-likelihood. Favours labels of fewer tokens when the model is unsure.</summary>
    Sum,
    /// <summary>Their mean: length-normalised, so a label is not penalised for being spelt in more tokens.</summary>
    Mean,
}
