using GraphQL.Types;
using OpenLedger.Grains.Attribution;

namespace OpenLedger.GraphQL.Market;

/// <summary>Why the attribution worker could not attribute an inference.</summary>
public sealed class AttributionFailureType : ObjectGraphType<AttributionFailureView>
{
    public AttributionFailureType()
    {
        Name = "AttributionFailure";
        Description = "Why an inference was not attributed, so not settled: it is left to the chain's deadline rule.";
        Field<NonNullGraphType<StringGraphType>>("code")
            .Description("A stable code: NoTrainingRecord, TrainingRecordCorrupt, TrainingRecordWithoutIndex, IndexMissing, IndexHashMismatch, " +
                         "IndexCorrupt, SpanIndexMissing, AdapterMissing, OutputNotRescorable, NoPositiveInfluence, ... (the attributor's), " +
                         "or ModelMissing, InputMissing, OutputMissing, NotSettled (the worker's).")
            .Resolve(c => c.Source.Code);
        Field<NonNullGraphType<StringGraphType>>("message").Resolve(c => c.Source.Message);
        Field<NonNullGraphType<DateTimeGraphType>>("at").Description("When it last failed (UTC).").Resolve(c => c.Source.At);
        Field<NonNullGraphType<IntGraphType>>("attempts").Description("Times the worker tried (it tries again after a wait, not in a loop).").Resolve(c => c.Source.Attempts);
    }
}
