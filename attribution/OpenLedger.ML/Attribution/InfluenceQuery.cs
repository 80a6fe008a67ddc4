using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;

namespace OpenLedger.ML.Attribution;

/// <summary>What one attribution found: every example's raw score, every contribution's summed score, and the paid
/// contributions with their shares and weights (<see cref="AttributionWeights"/>).</summary>
public sealed record InfluenceAttribution(float[] ExampleScores, double[] ContributionScores, IReadOnlyList<AttributedContribution> Contributions);

/// <summary>Attributes served outputs against an adapter's index: the gradient of the served answer's negative
/// log-likelihood given its prompt (the same capture and projection as the index rows), preconditioned, scored
/// against every training example, summed per contribution and turned into weights. A positive score means a
/// gradient step on that example lowers the answer's loss: it made the answer more likely.</summary>
public sealed class InfluenceQuery : IDisposable
{
    private readonly LoraGradients _gradients;

    public InfluenceQuery(Gpt2Model model, LoraAdapter adapter, InfluenceIndex index)
    {
        Index = index;
        _gradients = new LoraGradients(model, adapter, index.Projection);
        if (!_gradients.Layout.SequenceEqual(index.Layout))
        {
            _gradients.Dispose();
            throw new AttributionException(AttributionException.AdapterMismatch, "the index was built for another adapter shape or projection");
        }
    }

    public InfluenceIndex Index { get; }

    /// <summary>The served output's projected gradient (what <see cref="InfluenceIndex.Score"/> takes).</summary>
    public float[] Gradient(AttributionRow served) => _gradients.Compute([served]);

    public InfluenceAttribution Attribute(AttributionRow served, int maxAttributions)
    {
        if (maxAttributions < 1)
            throw new AttributionException(AttributionException.BadMaxAttributions, $"maxAttributions must be at least 1, got {maxAttributions}");
        var gradient = Gradient(served);
        var exampleScores = Index.Score(gradient);
        var contributionScores = Index.Aggregate(exampleScores);
        return new InfluenceAttribution(exampleScores, contributionScores, AttributionWeights.From(Index.Contributions, contributionScores, maxAttributions));
    }

    public void Dispose() => _gradients.Dispose();
}
