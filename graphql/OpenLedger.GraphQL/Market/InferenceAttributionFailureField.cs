using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Attribution;
using OpenLedger.GraphQL.Ledger;

namespace OpenLedger.GraphQL.Market;

/// <summary><c>Inference.attributionFailure</c>: the attribution worker's reason for not settling a served inference,
/// asked of the worker on the ML silo (failures live there, bounded, not on chain).</summary>
public static class InferenceAttributionFailureField
{
    public static void AddAttributionFailure(this ObjectGraphType<InferenceRequest> inference) =>
        inference.Field<AttributionFailureType>("attributionFailure")
            .Description("Why the node's attribution worker did not attribute this inference (null: it did not fail on it, or was not asked; " +
                         "a settled inference has none).")
            .ResolveAsync(async c =>
            {
                if (c.Source.Status is InferenceStatus.Requested or InferenceStatus.Settled) return null;
                try
                {
                    return await c.Grains().GetGrain<IAttributionWorkerGrain>(0).GetFailureAsync(c.Source.Id);
                }
                // A cluster without an ML silo has no attribution worker: no failure is known.
                catch (ArgumentException)
                {
                    return null;
                }
            });
}
