using OpenLedger.ML.Attribution;

namespace OpenLedger.Tests.ML.Attribution;

public class MislabelRuleTests
{
    private static readonly float[] Self = [5f, 1f, 9f, 3f, 7f, 2f, 8f, 4f, 6f, 0.5f];

    [Fact]
    public void Flags_the_top_share_by_self_influence_in_ascending_position()
    {
        // Top 20% of 10 = 2: the 9 (position 2) and the 8 (position 6).
        Assert.Equal([2, 6], MislabelRule.Flag(Self, topShare: 0.2));
        // The share rounds up: 25% of 10 inspects 3.
        Assert.Equal([2, 4, 6], MislabelRule.Flag(Self, topShare: 0.25));
        Assert.Equal([2], MislabelRule.Flag(Self));
        Assert.Equal(Enumerable.Range(0, 10), MislabelRule.Flag(Self, topShare: 1));
    }

    [Fact]
    public void With_held_out_influence_only_the_top_examples_that_hurt_held_out_data_are_flagged()
    {
        double[] heldOut = [0.1, -1, -0.2, 0.3, 0.4, -0.5, 0.0, 0.1, -0.1, -0.3];
        // Top 30%: positions 2, 6, 4; of those only 2 is negative (6 is exactly zero: not harmful).
        Assert.Equal([2], MislabelRule.Flag(Self, heldOut, 0.3));
    }

    [Fact]
    public void Ties_are_broken_by_position_so_the_flags_are_total()
    {
        float[] tied = [1f, 3f, 3f, 3f, 0f];
        Assert.Equal([1, 2], MislabelRule.Flag(tied, topShare: 0.4));
    }

    [Fact]
    public void Bad_input_is_refused_with_a_stable_code()
    {
        void Refused(Action act) => Assert.Equal(MislabelRule.BadInput, Assert.Throws<AttributionException>(act).Code);
        Refused(() => MislabelRule.Flag(Self, topShare: 0));
        Refused(() => MislabelRule.Flag(Self, topShare: 1.5));
        Refused(() => MislabelRule.Flag(Self, topShare: double.NaN));
        Refused(() => MislabelRule.Flag(Self, new double[3]));
        Refused(() => MislabelRule.Flag([1f, float.NaN]));
        Refused(() => MislabelRule.Flag([1f, 2f], [0, double.PositiveInfinity]));
    }
}
