using GraphQL.Types;

namespace OpenLedger.GraphQL.Transport.Tests.TestSchema;

/// <summary>A recursive type: <c>next</c> nests without end (depth limit), <c>children</c> is a list of undeclared
/// length (complexity limit), <c>pair</c> one whose length is declared.</summary>
public sealed class DeepType : ObjectGraphType<int>
{
    public DeepType()
    {
        Name = "Deep";
        Field<NonNullGraphType<IntGraphType>>("level").Resolve(context => context.Source);
        Field<NonNullGraphType<DeepType>>("next").Resolve(context => context.Source + 1);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DeepType>>>>("children")
            .Resolve(context => new[] { context.Source + 1, context.Source + 1 });
        // The same, with its bound declared to the cost analyzer.
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DeepType>>>>("pair")
            .ListSize(2)
            .Resolve(context => new[] { context.Source + 1, context.Source + 1 });
    }
}
