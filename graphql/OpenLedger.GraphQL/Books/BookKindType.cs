using GraphQL.Types;
using OpenLedger.Core.Books;

namespace OpenLedger.GraphQL.Books;

/// <summary>Why wei moved (see OpenLedger.Core.Books.BookKind).</summary>
public sealed class BookKindType : EnumerationGraphType<BookKind>
{
    public BookKindType()
    {
        Name = "BookKind";
        Description = "Why wei moved: GENESIS, TRANSFER, GAS (to the block producer), CONTRIBUTION_FEE (contributor to the datanet's owner), " +
                      "STAKE_LOCKED / STAKE_RETURNED / STAKE_FORFEITED (to the owner or treasury) / STAKE_REFUNDED (uncurated at its deadline), " +
                      "ESCROW_LOCKED / ESCROW_REFUNDED / ESCROW_TO_OWNER (an expired inference), SETTLEMENT_CREDIT (a share of a settled escrow; see role).";
    }
}
