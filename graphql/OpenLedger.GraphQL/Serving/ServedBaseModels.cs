using GraphQL;
using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Serving;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Serving;

/// <summary>Which base models this node answers paid inferences on: its OpenLoRA's base, when that ML silo holds a
/// serving operator key (it posts results on chain). A model on any other base is not served here, and its inferences
/// expire unless another node serves them; clients ask before they register or pay (<c>servedBaseModels</c>,
/// <c>Model.served</c>). The chain itself accepts any base model name.</summary>
public static class ServedBaseModels
{
    public static async Task<IReadOnlyList<string>> OfAsync(IResolveFieldContext c)
    {
        try
        {
            var status = await c.Grains().GetGrain<IOpenLoraGrain>(0).GetStatusAsync();
            return status.ServingOperator is null ? [] : [status.BaseModel];
        }
        // A node without an ML silo has no OpenLoRA: it serves no base model.
        catch (ArgumentException)
        {
            return [];
        }
    }

    public static void AddServedBaseModels(this ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("servedBaseModels")
            .Description("The base models this node's ML silos serve paid inferences on (empty: no ML silo, or none with a serving key). " +
                         "Register a model on one of these, or its inferences expire unless another node serves them.")
            .ListSize(4)
            .ResolveAsync(async c => await OfAsync(c));

    public static void AddServed(this ObjectGraphType<Model> model) =>
        model.Field<NonNullGraphType<BooleanGraphType>>("served")
            .Description("Whether this node serves its inferences (its base model is one of servedBaseModels).")
            .ResolveAsync(async c => (await OfAsync(c)).Contains(c.Source.BaseModel, StringComparer.Ordinal));
}
