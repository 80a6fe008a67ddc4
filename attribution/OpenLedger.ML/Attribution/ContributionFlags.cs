namespace OpenLedger.ML.Attribution;

/// <summary>
/// The per-contribution rule over <see cref="MislabelRule"/> (issue 12, "Harmful data"), run at the end of every Model
/// Factory job on the job's influence index: the training examples in the top 10% by self-influence are flagged, and a
/// contribution is flagged when at least half of its training examples are (a contribution is usually one example, so
/// it is flagged when that example is; a long contribution with one odd example out of many is not). Flags only
/// inform curators: nothing is excluded unless a curator excludes it. A pure function of the index: the same index
/// gives the same flags, in the same order (score descending, then the index's contribution order).
/// </summary>
public static class ContributionFlags
{
    /// <summary>The rule in words, as the training record states it.</summary>
    public const string Rule = "MislabelRule: the training examples in the top 10% by self-influence (φᵀPφ on the influence index) are flagged; " +
                               "a contribution is flagged when at least half of its training examples are; score = its highest self-influence";

    /// <summary>The flags and the flagged examples' smallest self-influence (the threshold this run drew).</summary>
    public static (IReadOnlyList<ContributionFlag> Flags, int FlaggedExamples, float Threshold) Of(InfluenceIndex index)
    {
        var self = SelfInfluence.Of(index);
        var flagged = MislabelRule.Flag(self);
        var rowOf = index.ContributionOfRow;
        var examples = new int[index.Contributions.Count];
        var hits = new int[examples.Length];
        var best = new float[examples.Length];
        Array.Fill(best, float.NegativeInfinity);
        for (var i = 0; i < self.Length; i++)
        {
            examples[rowOf[i]]++;
            best[rowOf[i]] = Math.Max(best[rowOf[i]], self[i]);
        }
        foreach (var i in flagged) hits[rowOf[i]]++;
        var flags = Enumerable.Range(0, examples.Length)
            .Where(c => 2 * hits[c] >= examples[c] && hits[c] > 0)
            .OrderByDescending(c => best[c]).ThenBy(c => c)
            .Select(c => new ContributionFlag(index.Contributions[c], examples[c], hits[c], best[c]))
            .ToList();
        return (flags, flagged.Count, flagged.Min(i => self[i]));
    }
}
