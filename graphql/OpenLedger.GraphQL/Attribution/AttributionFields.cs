using GraphQL;
using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Inference;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Attribution;

/// <summary>The Proof of Attribution fields of the marketplace types: <c>Inference.attribution</c>,
/// <c>Contribution.influence</c> and <c>Model.attributionIndex</c>. Each type adds its field with one call, so the
/// attribution views live here, beside their types, and read from the chain's committed events and the content store.</summary>
public static class AttributionFields
{
    /// <summary>What reading a record or a training record from the content store costs the cost analyzer.</summary>
    private const double StoreReadCost = 10;

    public static void AddAttribution(this ObjectGraphType<InferenceRequest> inference) =>
        inference.Field<InferenceAttributionType>("attribution")
            .Description("Who this inference paid and why, from its attribution record in the content store; null until settled, " +
                         "or when this node's store does not hold the record or it is not an attribution record.")
            .Cost(StoreReadCost)
            .ResolveAsync(async c =>
            {
                var i = c.Source;
                if (i.Status != InferenceStatus.Settled || i.Record == Hash32.Zero) return null;
                if (await c.Grains().GetGrain<IContentGrain>(0).GetAsync(i.Record) is not { } bytes) return null;
                c.ChargeResponseBytes(bytes.Length);
                return AttributionRecordReader.TryRead(i.Id, i.Record, bytes);
            });

    /// <summary>The most credits <c>Contribution.influence</c> adds up (ten store pages).</summary>
    public const int MaxInfluenceCredits = 10_000;

    public static void AddInfluence(this ObjectGraphType<Contribution> contribution) =>
        contribution.Field<NonNullGraphType<ContributionInfluenceType>>("influence")
            .Description("How often and how much settled inferences paid this contribution (its contributor's RewardCredited events for it). " +
                         $"Read from the store's index of the contribution's credits, at most {MaxInfluenceCredits:N0} of them: a contribution paid " +
                         "more often than that gets INFLUENCE_TOO_LARGE (page its contributor's rewards or statement instead).")
            .Cost(StoreReadCost)
            .ResolveAsync(async c =>
            {
                var id = c.Source.Id.ToString();
                // The contribution's own credits, newest first (one settlement credits a contribution at most once),
                // through their index; bounded, so a cheap field never reads an unbounded history.
                var query = new MarketEventQuery(Party: c.Source.Contributor, Kinds: [MarketEventKind.RewardCredited], Contribution: c.Source.Id);
                if (await c.MarketQuery().CountEventsAsync(query, MaxInfluenceCredits) is null)
                    throw new InvalidInputError("INFLUENCE_TOO_LARGE",
                        $"contribution {id} was credited more than {MaxInfluenceCredits:N0} times; page its contributor's rewards or statement instead");
                var credits = (await MarketPages.AllEventsAsync(c.MarketQuery(), query))
                    .Where(e => string.Equals(e.Contribution, id, StringComparison.OrdinalIgnoreCase) && e.Detail == InferenceRules.ContributorRole && e.Amount is not null)
                    .ToList();
                var last = credits.FirstOrDefault();
                return new ContributionInfluence(c.Source.Id, credits.Count, credits.Aggregate(Wei.Zero, (sum, e) => sum + Wei.Parse(e.Amount!)),
                    last?.Height, last is null ? null : Hash32.Parse(last.Inference ?? last.Subject));
            });

    public static void AddAttributionIndex(this ObjectGraphType<Model> model) =>
        model.Field<AttributionIndexType>("attributionIndex")
            .Description("The attribution indexes of a version (default: the current one), from its training record in the content store; null when " +
                         "the store does not hold the record or the record names no indexes (a model trained before they existed, or not by Model Factory).")
            .Argument<IntGraphType>("version")
            .Cost(StoreReadCost)
            .ResolveAsync(async c =>
            {
                var number = c.GetArgument<int?>("version");
                if (number is < 1) throw new InvalidInputError("BAD_ARGUMENTS", "version is a model version number from 1 (or omit it for the current one)");
                var v = number is null ? c.Source.Current : c.Source.Versions.FirstOrDefault(x => x.Number == (uint)number);
                if (v is null) return null;
                if (await c.Grains().GetGrain<IContentGrain>(0).GetAsync(v.TrainingRecord) is not { } bytes) return null;
                c.ChargeResponseBytes(bytes.Length);
                return TrainingRecordReader.TryReadIndexes(v.TrainingRecord, v.Number, bytes);
            });
}
