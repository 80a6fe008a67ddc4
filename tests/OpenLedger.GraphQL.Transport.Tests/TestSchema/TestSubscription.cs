using GraphQL;
using GraphQL.Types;

namespace OpenLedger.GraphQL.Transport.Tests.TestSchema;

public sealed class TestSubscription : ObjectGraphType
{
    public TestSubscription(StreamTracker tracker)
    {
        Name = "Subscription";
        Field<NonNullGraphType<IntGraphType>>("ticks")
            .Argument<NonNullGraphType<IntGraphType>>("count")
            .Argument<NonNullGraphType<IntGraphType>>("intervalMs")
            .ResolveStream(context => new TickStream(context.GetArgument<int>("count"), context.GetArgument<int>("intervalMs"), tracker))
            .Resolve(context => context.Source);
        // Emits its values, then fails with an application error.
        Field<NonNullGraphType<IntGraphType>>("failingTicks")
            .Argument<NonNullGraphType<IntGraphType>>("count")
            .ResolveStream(context => new TickStream(context.GetArgument<int>("count"), 5, tracker,
                new ExecutionError("The ticker broke.") { Code = "TICKER_BROKE" }))
            .Resolve(context => context.Source);
    }
}
