using GraphQL.Types;

namespace OpenLedger.GraphQL.Transport.Tests.TestSchema;

/// <summary>A page of <c>Deep</c> objects, as a connection would be: <c>nodes</c> is sized by the enclosing field's
/// <c>first</c>/<c>last</c>, <c>count</c> is not.</summary>
public sealed class DeepPageType : ObjectGraphType<int>
{
    public DeepPageType()
    {
        Name = "DeepPage";
        Field<NonNullGraphType<IntGraphType>>("count").Resolve(context => context.Source);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DeepType>>>>("nodes")
            .Resolve(context => Enumerable.Range(1, context.Source).ToArray());
    }
}
