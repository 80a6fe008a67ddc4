using GraphQL;
using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Attribution;

/// <summary>Who a settled inference paid and why: its attribution record, read from the content store.</summary>
public sealed class InferenceAttributionType : ObjectGraphType<InferenceAttribution>
{
    public InferenceAttributionType()
    {
        Name = "InferenceAttribution";
        Description = "The attribution record a settled inference was paid by: the method, the index it scored the training data " +
                      "with, the contributions it credited (score, share, the wei each was paid) and the spans of the output found " +
                      "verbatim in the training data.";
        Field<NonNullGraphType<StringGraphType>>("method").Description("How scores were computed (e.g. lora-gradient-influence).").Resolve(c => c.Source.Method);
        Field<NonNullGraphType<IntGraphType>>("maxAttributions").Description("The most contributions the method credits.").Resolve(c => c.Source.MaxAttributions);
        Field<NonNullGraphType<HashGraphType>>("indexHash").Description("keccak256 of the influence index scored (in the content store; named by the model's training record).")
            .Resolve(c => c.Source.IndexHash);
        Field<NonNullGraphType<IntGraphType>>("modelVersion").Description("The model version the record says it attributed.").Resolve(c => (int)c.Source.ModelVersion);
        Field<NonNullGraphType<HashGraphType>>("inputHash").Description("keccak256 of the prompt's UTF-8 bytes.").Resolve(c => c.Source.InputHash);
        Field<NonNullGraphType<HashGraphType>>("outputHash").Description("keccak256 of the served output's UTF-8 bytes.").Resolve(c => c.Source.OutputHash);
        Field<NonNullGraphType<IntGraphType>>("outputTokens").Resolve(c => c.Source.OutputTokens);
        Field<NonNullGraphType<BooleanGraphType>>("namesThisInference").Description("Whether the record names this inference (a hand settlement may name any record).")
            .Resolve(c => c.Source.RecordInference == c.Source.Inference);
        Field<NonNullGraphType<AttributionRecordType>>("record").Description("The record itself: its hash (on chain) and canonical JSON.").Resolve(c => c.Source);

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AttributedContributionType>>>>("contributions")
            .Description($"The credited contributions in rank order (score descending), the first `first` of them (1 to {MarketPages.MaxPageSize}, " +
                         $"default {MarketPages.DefaultPageSize}), each with the wei the settlement paid it.")
            // Costed as a page of `first` items by the cost analyzer.
            .Argument<IntGraphType>("first")
            .ResolveAsync(async c =>
            {
                var first = c.GetArgument<int?>("first") ?? MarketPages.DefaultPageSize;
                if (first is < 1 or > MarketPages.MaxPageSize) throw new InvalidInputError("BAD_ARGUMENTS", $"first must be 1 to {MarketPages.MaxPageSize}");
                // The settlement's credits to contributors, by contribution: exact, as the ledger split them.
                var credits = await MarketPages.AllEventsAsync(c.MarketQuery(),
                    new MarketEventQuery(Subject: c.Source.Inference, Kinds: [MarketEventKind.RewardCredited]));
                var paid = credits.Where(e => e.Contribution is not null && e.Amount is not null)
                    .GroupBy(e => e.Contribution!, StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(g => g.Key, g => g.Aggregate(Wei.Zero, (sum, e) => sum + Wei.Parse(e.Amount!)), StringComparer.OrdinalIgnoreCase);
                return c.Source.Contributions.Take(first)
                    .Select(s => s with { Payout = paid.TryGetValue(s.Contribution.ToString(), out var w) ? w : null }).ToList();
            });

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AttributionSpanType>>>>("spans")
            .Description("Spans of the output that occur verbatim in the training data, as the record lists them.")
            .Resolve(c => c.Source.Spans);
    }
}
