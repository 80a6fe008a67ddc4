namespace OpenLedger.GraphQL.Schema;

/// <summary>The OpenLedger GraphQL schema: ledger queries, transaction submission and live subscriptions.</summary>
public sealed class LedgerSchema : global::GraphQL.Types.Schema
{
    public LedgerSchema(IServiceProvider services, LedgerQuery query, LedgerMutation mutation, LedgerSubscription subscription) : base(services)
    {
        Query = query;
        Mutation = mutation;
        Subscription = subscription;
    }
}
