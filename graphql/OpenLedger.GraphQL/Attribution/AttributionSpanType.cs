using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.GraphQL.Market;

namespace OpenLedger.GraphQL.Attribution;

/// <summary>Span evidence: a stretch of the output found verbatim in the training data, and who contributed it.</summary>
public sealed class AttributionSpanType : ObjectGraphType<AttributionSpan>
{
    public AttributionSpanType()
    {
        Name = "AttributionSpan";
        Description = "A span of the served output (output tokens [start, start + length)) that occurs verbatim in the training data.";
        Field<NonNullGraphType<IntGraphType>>("start").Resolve(c => c.Source.Start);
        Field<NonNullGraphType<IntGraphType>>("length").Description("Tokens.").Resolve(c => c.Source.Length);
        Field<NonNullGraphType<IntGraphType>>("count").Description("How often it occurs in the training data.").Resolve(c => c.Source.Count);
        Field<StringGraphType>("text").Description("The span's text (null when the recorder had no tokenizer).").Resolve(c => c.Source.Text);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("contributionIds")
            .Description("The contributions holding it, as the record names them, in corpus order.").Resolve(c => c.Source.Contributions);
        Field<ContributionType>("contribution").Description("The first contribution holding it (null if none is on this chain).")
            .Resolve(c => c.LoadMany<Contribution>(Ids(c.Source)).Map(list => list.FirstOrDefault()));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContributionType>>>>("contributions")
            .Description("The contributions holding it that this chain knows, in corpus order.").Resolve(c => c.LoadMany<Contribution>(Ids(c.Source)));
    }

    private static IEnumerable<Hash32> Ids(AttributionSpan span) =>
        span.Contributions.Select(s => Hash32.TryParse(s, out var h) ? h : (Hash32?)null).OfType<Hash32>();
}
