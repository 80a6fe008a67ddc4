using System.Globalization;
using GraphQL.Types;
using OpenLedger.Core.Books;
using OpenLedger.Grains.Books;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Books;

/// <summary>The books of an account, datanet or model over a range of blocks.</summary>
public sealed class StatementType : ObjectGraphType<StatementView>
{
    public StatementType()
    {
        Name = "Statement";
        Description = "Every wei that moved to or from an account (or within a datanet's or model's business) in blocks fromHeight..toHeight: " +
                      "totals by kind, role and flow, and the lines in ledger order (a page of them).";
        Field<NonNullGraphType<LongGraphType>>("fromHeight").Resolve(c => c.Source.FromHeight);
        Field<NonNullGraphType<LongGraphType>>("toHeight").Resolve(c => c.Source.ToHeight);
        Field<NonNullGraphType<LongGraphType>>("headHeight").Resolve(c => c.Source.HeadHeight);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatementTotalType>>>>("totals")
            .ListSize(Enum.GetValues<BookKind>().Length * 4 * 3).Resolve(c => c.Source.Totals);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatementLineType>>>>("lines")
            .Description("The page of lines asked for (first, offset).").ListSize(StatementLimits.MaxPage).Resolve(c => c.Source.Lines);
        Field<NonNullGraphType<IntGraphType>>("lineCount").Description("Lines in the whole range.").Resolve(c => c.Source.LineCount);
        Field<NonNullGraphType<WeiAmountGraphType>>("in").Description("An account's inflows (0 for a datanet or model).").Resolve(c => c.Source.In);
        Field<NonNullGraphType<WeiAmountGraphType>>("out").Description("An account's outflows (0 for a datanet or model).").Resolve(c => c.Source.Out);
        Field<NonNullGraphType<StringGraphType>>("net").Description("in - out, signed, in wei.")
            .Resolve(c => ((System.Numerics.BigInteger)c.Source.In.Value - (System.Numerics.BigInteger)c.Source.Out.Value).ToString(CultureInfo.InvariantCulture));
        Field<WeiAmountGraphType>("openingBalance").Description("An account's balance before fromHeight, when the range ends at the head (else null).").Resolve(c => c.Source.OpeningBalance);
        Field<WeiAmountGraphType>("closingBalance").Description("An account's balance at the head, when the range ends there (else null).").Resolve(c => c.Source.ClosingBalance);
        Field<NonNullGraphType<IntGraphType>>("rowsRead").Description($"Transactions and events read (at most {StatementLimits.MaxRows}).").Resolve(c => c.Source.RowsRead);
    }
}
