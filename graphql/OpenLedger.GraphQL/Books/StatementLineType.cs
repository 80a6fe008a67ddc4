using GraphQL.Types;
using OpenLedger.Grains.Books;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Books;

/// <summary>One movement of wei in a statement.</summary>
public sealed class StatementLineType : ObjectGraphType<StatementLineView>
{
    public StatementLineType()
    {
        Name = "StatementLine";
        Description = "One movement of wei: from a side to a side (null: the marketplace, which holds stakes and escrows; a genesis line comes from nobody).";
        Field<NonNullGraphType<BookKindType>>("kind").Resolve(c => c.Source.Kind);
        Field<NonNullGraphType<FlowType>>("flow").Resolve(c => c.Source.Flow);
        Field<NonNullGraphType<WeiAmountGraphType>>("amount").Resolve(c => c.Source.Amount);
        Field<NonNullGraphType<LongGraphType>>("height").Resolve(c => c.Source.Height);
        Field<NonNullGraphType<IntGraphType>>("txIndex").Description("-1 for block-level moves (expiries, genesis).").Resolve(c => c.Source.TxIndex);
        Field<HashGraphType>("txHash").Resolve(c => c.Source.TxHash);
        Field<AddressGraphType>("from").Resolve(c => c.Source.From);
        Field<AddressGraphType>("to").Resolve(c => c.Source.To);
        Field<AddressGraphType>("party").Description("The account the marketplace held the wei for (a stake's contributor, an escrow's caller), or the event's account.").Resolve(c => c.Source.Party);
        Field<StringGraphType>("role").Description("A settlement credit's role: protocol, owner or contributor.").Resolve(c => c.Source.Role);
        Field<HashGraphType>("datanet").Resolve(c => c.Source.Datanet);
        Field<HashGraphType>("model").Resolve(c => c.Source.Model);
        Field<HashGraphType>("contribution").Resolve(c => c.Source.Contribution);
        Field<HashGraphType>("inference").Resolve(c => c.Source.Inference);
    }
}
