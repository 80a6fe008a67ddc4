using OpenLedger.Silo.Configuration;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>The marketplace benchmark's knobs, from the command line.</summary>
public sealed record MarketplaceOptions(
    int Contributions,
    int Contributors,
    int WarmupContributions,
    int Uploads,
    int UploadConcurrency,
    int ContributionLanes,
    int Settlements,
    int WarmupSettlements,
    int Attributions,
    int AttributionOperators,
    int CeilingTransfers,
    int BlockIntervalMs,
    int BatchSize,
    bool Quick,
    bool KeepData)
{
    public static MarketplaceOptions From(Args a)
    {
        var quick = a.Has("quick");
        var o = new MarketplaceOptions(
            Contributions: a.GetInt("contributions", quick ? 3_000 : 40_000),
            Contributors: a.GetInt("contributors", quick ? 300 : 4_000),
            WarmupContributions: a.GetInt("warmup-contributions", quick ? 400 : 2_000),
            Uploads: a.GetInt("uploads", quick ? 1_000 : 20_000),
            UploadConcurrency: a.GetInt("upload-concurrency", 32),
            ContributionLanes: a.GetInt("lanes", 4),
            Settlements: a.GetInt("settlements", quick ? 1_500 : 15_000),
            WarmupSettlements: a.GetInt("warmup-settlements", quick ? 300 : 1_000),
            Attributions: a.GetInt("attributions", 100),
            AttributionOperators: a.GetInt("attribution-operators", 1),
            CeilingTransfers: a.GetInt("ceiling-txs", quick ? 10_000 : 30_000),
            BlockIntervalMs: a.GetInt("block-interval-ms", 1000),
            BatchSize: a.GetInt("batch", 250),
            Quick: quick,
            KeepData: a.Has("keep"));
        if (o.Contributions < 1) throw new UsageException("--contributions must be positive");
        if (o.Attributions < 1 || o.Attributions > 256) throw new UsageException("--attributions must be 1..256 (the genesis' maxAttributions)");
        if (o.Contributors < o.Attributions)
            throw new UsageException($"--contributors must be at least --attributions ({o.Attributions}): each settlement names contributions of distinct contributors");
        if (o.Contributions < o.Contributors) throw new UsageException("--contributions must be at least --contributors (every contributor contributes)");
        if (o.Contributions / o.Contributors > 60) throw new UsageException("at most 60 contributions per contributor (the mempool's nonce-gap limit is 64)");
        if (o.Settlements < 1) throw new UsageException("--settlements must be positive");
        if (o.AttributionOperators < 1) throw new UsageException("--attribution-operators must be positive");
        if (o.ContributionLanes < 1 || o.UploadConcurrency < 1) throw new UsageException("--lanes and --upload-concurrency must be positive");
        if (o.BatchSize is < 1 or > 1_000) throw new UsageException("--batch must be 1..1000 (a single sender may have 1,024 pending transactions)");
        if (o.BlockIntervalMs < 10) throw new UsageException("--block-interval-ms must be at least 10");
        if (o.CeilingTransfers < 1_000) throw new UsageException("--ceiling-txs must be at least 1000");
        return o;
    }
}
