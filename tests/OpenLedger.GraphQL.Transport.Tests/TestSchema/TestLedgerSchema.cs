using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace OpenLedger.GraphQL.Transport.Tests.TestSchema;

/// <summary>The small schema the transport tests run against; the ledger's real schema lives in its own project.</summary>
public sealed class TestLedgerSchema : Schema
{
    public TestLedgerSchema(IServiceProvider services) : base(services)
    {
        Query = services.GetRequiredService<TestQuery>();
        Mutation = services.GetRequiredService<TestMutation>();
        Subscription = services.GetRequiredService<TestSubscription>();
    }
}
