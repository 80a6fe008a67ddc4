using OpenLedger.Grains.ModelFactory;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>The loss curve a job keeps (LossHistory): a point per step while there is room, then thinned so it stays
/// bounded and still covers the whole run; a resumed run's repeated steps replace the tail; the last step is forced in.</summary>
public sealed class LossHistoryTests
{
    private static TrainingLossPoint P(int step, double? eval = null) => new(step, 1.0 / (step + 1), eval);

    private static (List<TrainingLossPoint> Points, int Stride) Run(int steps, int evalEvery = 0)
    {
        var points = new List<TrainingLossPoint>();
        var stride = LossHistory.Add(points, 1, new TrainingLossPoint(0, null, 3.0));
        for (var s = 1; s <= steps; s++)
            stride = LossHistory.Add(points, stride, P(s, evalEvery > 0 && s % evalEvery == 0 ? 2.0 : null));
        return (points, stride);
    }

    [Fact]
    public void A_short_run_keeps_every_step()
    {
        var (points, stride) = Run(100);
        Assert.Equal(1, stride);
        Assert.Equal(Enumerable.Range(0, 101), points.Select(p => p.Step));
    }

    [Fact]
    public void A_long_run_stays_bounded_ascending_and_covers_the_whole_run_evenly()
    {
        foreach (var steps in new[] { 511, 512, 513, 1_000, 5_000, 100_000 })
        {
            var points = new List<TrainingLossPoint>();
            var stride = 1;
            for (var s = 0; s <= steps; s++)
            {
                stride = LossHistory.Add(points, stride, P(s));
                Assert.True(points.Count <= LossHistory.MaxPoints, $"{points.Count} points at step {s}");
            }
            stride = LossHistory.Add(points, stride, P(steps), force: true);
            var at = points.Select(p => p.Step).ToList();
            Assert.Equal(at.Order(), at);
            Assert.Equal(at.Distinct().Count(), at.Count);
            Assert.Equal(0, at[0]);
            Assert.Equal(steps, at[^1]);
            // Even coverage: no gap wider than the stride the history ended with (the forced last point aside).
            var gaps = at.Zip(at.Skip(1), (a, b) => b - a).SkipLast(1).ToList();
            Assert.All(gaps, g => Assert.True(g <= stride, $"{steps} steps: a gap of {g} with stride {stride}"));
            if (steps >= LossHistory.MaxPoints) Assert.True(at.Count >= LossHistory.MaxPoints / 4, $"{steps} steps: only {at.Count} points");
        }
    }

    [Fact]
    public void Thinning_drops_every_other_point_and_doubles_the_stride()
    {
        var points = new List<TrainingLossPoint>();
        var stride = 1;
        for (var s = 0; s < LossHistory.MaxPoints; s++) stride = LossHistory.Add(points, stride, P(s));
        Assert.Equal((LossHistory.MaxPoints, 1), (points.Count, stride));
        stride = LossHistory.Add(points, stride, P(LossHistory.MaxPoints));
        Assert.Equal(2, stride);
        Assert.Equal(Enumerable.Range(0, LossHistory.MaxPoints / 2 + 1).Select(i => 2 * i), points.Select(p => p.Step));
        stride = LossHistory.Add(points, stride, P(LossHistory.MaxPoints + 1)); // off the stride: not taken
        Assert.Equal(LossHistory.MaxPoints, points[^1].Step);
    }

    [Fact]
    public void Steps_that_evaluated_are_kept_off_the_stride()
    {
        var points = new List<TrainingLossPoint>();
        var (stride, since) = (1, 0);
        for (var s = 0; s <= 2_000; s++)
        {
            var next = LossHistory.Add(points, stride, P(s, s % 25 == 0 ? 2.0 : null));
            if (next != stride) (stride, since) = (next, s);
        }
        Assert.True(stride > 1 && stride % 25 != 0, $"stride {stride}");
        // Every evaluation since the last thinning is there, though most are off the stride (thinning drops by position).
        var kept = points.Select(p => p.Step).ToHashSet();
        Assert.All(Enumerable.Range(0, 2_001).Where(s => s % 25 == 0 && s >= since), s => Assert.Contains(s, kept));
        Assert.True(points.Count <= LossHistory.MaxPoints);
    }

    [Fact]
    public void A_resumed_run_replaces_the_steps_after_its_checkpoint_and_the_forced_end_replaces_its_step()
    {
        var points = new List<TrainingLossPoint>();
        var stride = 1;
        for (var s = 0; s <= 30; s++) stride = LossHistory.Add(points, stride, P(s));
        // Stopped at 30, resumed from the checkpoint at step 20: the run reports 21, 22, ... again.
        stride = LossHistory.Add(points, stride, new TrainingLossPoint(21, 0.5, null));
        Assert.Equal(Enumerable.Range(0, 22), points.Select(p => p.Step));
        Assert.Equal(0.5, points[^1].Loss);
        stride = LossHistory.Add(points, stride, new TrainingLossPoint(21, 0.25, 0.75), force: true);
        Assert.Equal((22, 0.25, (double?)0.75), (points.Count, points[^1].Loss, points[^1].EvalLoss));
        Assert.Equal(1, stride);
    }
}
