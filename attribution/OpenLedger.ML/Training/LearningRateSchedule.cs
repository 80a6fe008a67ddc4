namespace OpenLedger.ML.Training;

/// <summary>The learning rate after warmup (<see cref="TrainerOptions.LearningRateAt"/>).</summary>
public enum LearningRateSchedule
{
    /// <summary>Half a cosine from the peak down to the floor at the last step: the default.</summary>
    Cosine,
    /// <summary>A straight line from the peak down to the floor at the last step.</summary>
    Linear,
    /// <summary>The peak throughout.</summary>
    Constant,
}
