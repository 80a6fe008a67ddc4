using GraphQL.Types;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Attribution;

/// <summary>The attribution indexes Model Factory built for a model version's adapter, as its training record names them.</summary>
public sealed class AttributionIndexType : ObjectGraphType<AttributionIndexInfo>
{
    public AttributionIndexType()
    {
        Name = "AttributionIndex";
        Description = "A model version's attribution indexes (content-store artifacts named by its training record): the gradient-influence " +
                      "index its inferences are scored with, and the span index over its training tokens.";
        Field<NonNullGraphType<HashGraphType>>("trainingRecord").Description("The training record that names them (keccak256, registered on chain).").Resolve(c => c.Source.TrainingRecord);
        Field<NonNullGraphType<IntGraphType>>("modelVersion").Resolve(c => (int)c.Source.ModelVersion);
        Field<NonNullGraphType<HashGraphType>>("influenceIndex").Description("keccak256 of the influence index.").Resolve(c => c.Source.InfluenceIndex);
        Field<NonNullGraphType<LongGraphType>>("influenceIndexBytes").Resolve(c => c.Source.InfluenceBytes);
        Field<NonNullGraphType<IntGraphType>>("rows").Description("Training examples indexed (one row each, in approval order).").Resolve(c => c.Source.Rows);
        Field<NonNullGraphType<IntGraphType>>("dimension").Description("Floats per row (the projected gradient's size).").Resolve(c => c.Source.Dimension);
        Field<NonNullGraphType<StringGraphType>>("method").Resolve(c => c.Source.Method);
        Field<NonNullGraphType<StringGraphType>>("preconditioner").Resolve(c => c.Source.Preconditioner);
        Field<NonNullGraphType<FloatGraphType>>("damping").Resolve(c => c.Source.Damping);
        Field<NonNullGraphType<HashGraphType>>("spanIndex").Description("keccak256 of the span index.").Resolve(c => c.Source.SpanIndex);
        Field<NonNullGraphType<LongGraphType>>("spanIndexBytes").Resolve(c => c.Source.SpanBytes);
        Field<NonNullGraphType<LongGraphType>>("tokens").Description("Training tokens the span index covers.").Resolve(c => c.Source.Tokens);
        Field<NonNullGraphType<IntGraphType>>("documents").Description("Training examples in the span index.").Resolve(c => c.Source.Documents);
    }
}
