using GraphQL.Types;
using OpenLedger.Grains.Books;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Books;

/// <summary>A statement's total of one kind, role and flow.</summary>
public sealed class StatementTotalType : ObjectGraphType<StatementTotalView>
{
    public StatementTotalType()
    {
        Name = "StatementTotal";
        Field<NonNullGraphType<BookKindType>>("kind").Resolve(c => c.Source.Kind);
        Field<StringGraphType>("role").Resolve(c => c.Source.Role);
        Field<NonNullGraphType<FlowType>>("flow").Resolve(c => c.Source.Flow);
        Field<NonNullGraphType<WeiAmountGraphType>>("amount").Resolve(c => c.Source.Amount);
        Field<NonNullGraphType<LongGraphType>>("count").Resolve(c => c.Source.Count);
    }
}
