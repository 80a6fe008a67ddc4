using GraphQL;
using GraphQL.Types;

namespace OpenLedger.GraphQL.Transport.Tests.TestSchema;

public sealed class TestMutation : ObjectGraphType
{
    public TestMutation()
    {
        Name = "Mutation";
        Field<NonNullGraphType<StringGraphType>>("echo")
            .Argument<NonNullGraphType<StringGraphType>>("message")
            .Resolve(context => context.GetArgument<string>("message"));
    }
}
