using GraphQL.Types;
using OpenLedger.Grains.Books;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Books;

/// <summary>What the marketplace holds of the supply.</summary>
public sealed class HeldType : ObjectGraphType<SupplyView>
{
    public HeldType()
    {
        Name = "Held";
        Description = "Wei the marketplace holds: escrows of open inferences and stakes of pending contributions (balances hold the rest of the supply).";
        Field<NonNullGraphType<WeiAmountGraphType>>("escrow").Resolve(c => c.Source.Escrow);
        Field<NonNullGraphType<WeiAmountGraphType>>("stake").Resolve(c => c.Source.Stake);
        Field<NonNullGraphType<WeiAmountGraphType>>("total").Resolve(c => c.Source.Escrow + c.Source.Stake);
        Field<NonNullGraphType<LongGraphType>>("asOfHeight").Resolve(c => c.Source.AsOfHeight);
    }
}
