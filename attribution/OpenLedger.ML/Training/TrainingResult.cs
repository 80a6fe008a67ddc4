namespace OpenLedger.ML.Training;

/// <summary>What a finished run reports.</summary>
/// <param name="InitialEvalLoss">held-out loss before the first step of this run (null without held-out data)</param>
/// <param name="FinalEvalLoss">held-out loss after the last step (null without held-out data); with early stopping,
/// the best evaluation's, whose weights the model ends with</param>
/// <param name="EarlyStopping">with early stopping: the best evaluation and whether the run stopped before its last step</param>
public sealed record TrainingResult(
    int Steps,
    int ResumedFromStep,
    double LastLoss,
    double? InitialEvalLoss,
    double? FinalEvalLoss,
    long TokensTrained,
    TimeSpan Elapsed,
    EarlyStoppingState? EarlyStopping = null);
