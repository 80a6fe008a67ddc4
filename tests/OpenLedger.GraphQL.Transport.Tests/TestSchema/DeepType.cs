using GraphQL.Types;

namespace OpenLedger.GraphQL.Transport.Tests.TestSchema;

/// <summary>A recursive type: <c>next</c> nests without end (depth limit), <c>children</c> is a list (complexity limit).</summary>
public sealed class DeepType : ObjectGraphType<int>
{
    public DeepType()
    {
        Name = "Deep";
        Field<NonNullGraphType<IntGraphType>>("level").Resolve(context => context.Source);
        Field<NonNullGraphType<DeepType>>("next").Resolve(context => context.Source + 1);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DeepType>>>>("children")
            .Resolve(context => new[] { context.Source + 1, context.Source + 1 });
    }
}
