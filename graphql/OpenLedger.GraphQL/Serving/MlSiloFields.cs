using GraphQL;
using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Grains.Serving;
using OpenLedger.GraphQL.Operators;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;
using OpenLedger.GraphQL.Ledger;

namespace OpenLedger.GraphQL.Serving;

/// <summary>Per-silo OpenLoRA administration for the node's operator: which ML silos there are (and what each holds),
/// and an adapter action on one of them by address or on all. OpenLoRA's cache is per silo, so the unaddressed
/// <c>loadAdapter</c> &amp; co. reach whichever ML silo the call lands on; these reach the one asked for. Operator only:
/// addresses and memory are the cluster's inside.</summary>
public static class MlSiloFields
{
    /// <summary>The ML silos <c>mlSilos</c>' cost is computed for (all live ones are listed).</summary>
    public const int MaxSilosCosted = 16;

    public static void AddMlSiloQueries(this ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MlSiloType>>>>("mlSilos")
            .Description("Operator only: the live ML silos, by address, with OpenLoRA's cache and adapters on each and the process's memory.")
            // The cost analyzer's bound (each silo's adapters count as a list of 100): a cluster has a handful of GPU
            // machines, and the default bound of 100 silos would price every query of silos and adapters out.
            .ListSize(MaxSilosCosted)
            .ResolveAsync(async c =>
            {
                c.RequireOperator();
                return await c.Grains().GetGrain<IMlSilosGrain>(0).ListAsync();
            });

    public static void AddMlSiloMutations(this ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SiloAdapterResultType>>>>("adapterOnSilos")
            .Description("Operator only: loads, unloads (evicts), pins or unpins an adapter on the ML silo named by silo (an address " +
                         "mlSilos lists), or on every live ML silo when silo is omitted; one result per silo, each with its own error " +
                         "code. Errors: SiloNotFound (the address names no live ML silo: nothing is done).")
            .Argument<NonNullGraphType<AdapterAdminActionType>>("action")
            .Argument<NonNullGraphType<HashGraphType>>("adapter")
            .Argument<StringGraphType>("silo")
            .ResolveAsync(async c =>
            {
                c.RequireOperator();
                var results = await c.Grains().GetGrain<IMlSilosGrain>(0).ActAsync(
                    c.GetArgument<AdapterAdminAction>("action"), c.GetArgument<Hash32>("adapter"), c.GetArgument<string?>("silo"));
                return results is [{ Result.ErrorCode: nameof(MlErrorCode.SiloNotFound) } missing]
                    ? throw new InvalidInputError(nameof(MlErrorCode.SiloNotFound), missing.Result.Message!)
                    : results;
            });
}
