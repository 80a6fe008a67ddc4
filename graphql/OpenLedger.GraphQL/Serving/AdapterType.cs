using GraphQL.Types;
using OpenLedger.Grains.Serving;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Serving;

public sealed class AdapterType : ObjectGraphType<AdapterView>
{
    public AdapterType()
    {
        Name = "Adapter";
        Description = "A LoRA adapter as an OpenLoRA silo holds it.";
        Field<NonNullGraphType<HashGraphType>>("adapter").Description("keccak256 of its safetensors artifact.").Resolve(c => c.Source.Adapter);
        Field<NonNullGraphType<StringGraphType>>("state").Description("resident, pinned, loading, evicted or quarantined (refused: see reason).").Resolve(c => c.Source.State);
        Field<NonNullGraphType<LongGraphType>>("requests").Description("Times it was asked for (serving and loads).").Resolve(c => c.Source.Requests);
        Field<NonNullGraphType<IntGraphType>>("loads").Resolve(c => c.Source.Loads);
        Field<NonNullGraphType<FloatGraphType>>("lastLoadMs").Resolve(c => c.Source.LastLoadMs);
        Field<NonNullGraphType<LongGraphType>>("bytes").Description("Resident tensor bytes.").Resolve(c => c.Source.Bytes);
        Field<NonNullGraphType<IntGraphType>>("inUse").Description("Batches holding it now.").Resolve(c => c.Source.InUse);
        Field<NonNullGraphType<LongGraphType>>("served").Description("Generations served with it.").Resolve(c => c.Source.Served);
        Field<NonNullGraphType<FloatGraphType>>("meanLatencyMs").Description("Mean time of those generations, queueing included.").Resolve(c => c.Source.MeanLatencyMs);
        Field<NonNullGraphType<StringGraphType>>("silo").Resolve(c => c.Source.Silo);
        Field<StringGraphType>("reason").Description("Why it is quarantined (the layer and the mismatch, or the failed forward pass); null otherwise. " +
                                                     "Requests for it fail with InvalidAdapter until unloadAdapter clears it.").Resolve(c => c.Source.Reason);
    }
}

public sealed class ServingStatusType : ObjectGraphType<ServingStatus>
{
    public ServingStatusType()
    {
        Name = "ServingStatus";
        Description = "OpenLoRA on one ML silo.";
        Field<NonNullGraphType<StringGraphType>>("silo").Resolve(c => c.Source.Silo);
        Field<NonNullGraphType<StringGraphType>>("baseModel").Resolve(c => c.Source.BaseModel);
        Field<NonNullGraphType<LongGraphType>>("budgetBytes").Resolve(c => c.Source.BudgetBytes);
        Field<NonNullGraphType<LongGraphType>>("usedBytes").Resolve(c => c.Source.UsedBytes);
        Field<NonNullGraphType<IntGraphType>>("resident").Resolve(c => c.Source.Resident);
        Field<NonNullGraphType<LongGraphType>>("served").Resolve(c => c.Source.Served);
        Field<NonNullGraphType<LongGraphType>>("failed").Resolve(c => c.Source.Failed);
        Field<StringGraphType>("servingOperator").Description("The address that posts results, if this silo answers on-chain inferences.").Resolve(c => c.Source.ServingOperator);
    }
}
