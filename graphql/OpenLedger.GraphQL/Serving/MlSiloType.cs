using GraphQL.Types;
using OpenLedger.Grains.Serving;

namespace OpenLedger.GraphQL.Serving;

/// <summary>One live ML silo for its operator: address, OpenLoRA's status and adapters there, process memory.</summary>
public sealed class MlSiloType : ObjectGraphType<MlSiloView>
{
    public MlSiloType()
    {
        Name = "MlSilo";
        Description = "A live ML silo: OpenLoRA's cache and adapters there, and the process's memory.";
        Field<NonNullGraphType<StringGraphType>>("address").Description("The silo's address (ip:port@generation): what adapterOnSilos' silo takes.").Resolve(c => c.Source.Address);
        Field<NonNullGraphType<ServingStatusType>>("serving").Resolve(c => c.Source.Serving);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AdapterType>>>>("adapters").Description("The adapters OpenLoRA on this silo has been asked for.").Resolve(c => c.Source.Adapters);
        Field<NonNullGraphType<LongGraphType>>("workingSetBytes").Description("The silo process's resident memory.").Resolve(c => c.Source.WorkingSetBytes);
        Field<NonNullGraphType<LongGraphType>>("managedBytes").Description("The silo's .NET heap (adapter tensors live outside it).").Resolve(c => c.Source.ManagedBytes);
    }
}

public sealed class AdapterAdminActionType : EnumerationGraphType<AdapterAdminAction>
{
    public AdapterAdminActionType()
    {
        Name = "AdapterAction";
        Description = "What to do with an adapter on a silo: LOAD, UNLOAD (evict; clears a quarantine), PIN, UNPIN.";
    }
}

/// <summary>An adapter action's outcome on one silo: the adapter afterwards, or the stable error code.</summary>
public sealed class SiloAdapterResultType : ObjectGraphType<SiloAdapterActionResult>
{
    public SiloAdapterResultType()
    {
        Name = "SiloAdapterResult";
        Description = "An adapter action's outcome on one ML silo.";
        Field<NonNullGraphType<StringGraphType>>("silo").Resolve(c => c.Source.Silo);
        Field<NonNullGraphType<BooleanGraphType>>("ok").Resolve(c => c.Source.Result.Ok);
        Field<AdapterType>("adapter").Description("The adapter on that silo afterwards (null if the silo never held it).").Resolve(c => c.Source.Result.Adapter);
        Field<StringGraphType>("errorCode").Description("AdapterNotFound, InvalidAdapter, AdapterCacheFull, AdapterNotLoaded, NotPinned, AdapterPinned or AdapterBusy; null on success.").Resolve(c => c.Source.Result.ErrorCode);
        Field<StringGraphType>("message").Resolve(c => c.Source.Result.Message);
    }
}
