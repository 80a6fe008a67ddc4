namespace OpenLedger.Grains.ModelFactory;

/// <summary>One point of a job's loss curve: the training loss after <see cref="Step"/> (null at step 0, the report
/// before training) and the held-out loss when that step evaluated.</summary>
[GenerateSerializer, Immutable, Alias("openledger.TrainingLossPoint")]
public sealed record TrainingLossPoint([property: Id(0)] int Step, [property: Id(1)] double? Loss, [property: Id(2)] double? EvalLoss);

/// <summary>
/// The bounded loss curve a job keeps in its grain state, so its page can draw the whole run when opened later. Every
/// step is recorded until <see cref="MaxPoints"/>; then every other point is dropped and from there on only steps that
/// are a multiple of the doubled stride are taken (and any step that evaluated: the held-out curve is sparse and is what
/// a reader compares), so the curve keeps covering the whole run at an even resolution however long it is.
/// </summary>
public static class LossHistory
{
    public const int MaxPoints = 512;

    /// <summary>Adds <paramref name="point"/> to <paramref name="points"/> (ascending by step). A point at or before the
    /// last one replaces the tail from there: a run resumed from its checkpoint repeats the steps after it, with the
    /// same values since training is deterministic. <paramref name="force"/> takes the point whatever the stride (the
    /// run's last step, so the curve ends where the job did). Returns the stride to use next.</summary>
    public static int Add(List<TrainingLossPoint> points, int stride, TrainingLossPoint point, bool force = false)
    {
        stride = Math.Max(1, stride);
        var keep = points.Count;
        while (keep > 0 && points[keep - 1].Step >= point.Step) keep--;
        if (keep < points.Count) points.RemoveRange(keep, points.Count - keep);
        // A forced last point is usually at a step already taken: it replaced it above; a tail point that was only
        // forced in before (an earlier run's end) is off the stride, and it was dropped above too when repeated.
        if (!force && point.Step % stride != 0 && point.EvalLoss is null) return stride;
        if (points.Count >= MaxPoints)
        {
            Thin(points);
            stride *= 2;
            if (!force && point.Step % stride != 0 && point.EvalLoss is null) return stride;
        }
        points.Add(point);
        return stride;
    }

    /// <summary>Keeps the points at even positions (the first point, the start of the run, always stays).</summary>
    private static void Thin(List<TrainingLossPoint> points)
    {
        var write = 0;
        for (var read = 0; read < points.Count; read += 2) points[write++] = points[read];
        points.RemoveRange(write, points.Count - write);
    }
}
