using OpenLedger.Core.Crypto;

namespace OpenLedger.Client;

// The books: statements of accounts, datanets and models, and what the marketplace holds.
public sealed partial class LedgerClient
{
    private const string StatementFields = "fromHeight toHeight headHeight in out net openingBalance closingBalance lineCount rowsRead " +
                                           "totals { kind role flow amount count } " +
                                           "lines { kind flow amount height txIndex txHash from to party role datanet model contribution inference }";

    /// <summary>The statement of exactly one of an account, a datanet and a model over blocks [from, to] (the node's
    /// defaults when null): totals by kind and a page of lines.</summary>
    public async Task<StatementInfo> GetStatementAsync(Address? account, Hash32? datanet, Hash32? model, long? from, long? to,
        int first = 50, int offset = 0, CancellationToken ct = default)
    {
        // One subject, declared alone: GraphQL refuses a declared variable that the document does not use.
        var (subject, id, root) = account is { } a ? ("$s: Address!", a.ToString(), "statement(address: $s, {0})")
            : datanet is { } d ? ("$s: Hash!", d.ToString(), "datanet(id: $s) {{ statement({0})")
            : model is { } m ? ("$s: Hash!", m.ToString(), "model(id: $s) {{ statement({0})")
            : throw new ArgumentException("a statement needs an account, a datanet or a model");
        var field = string.Format(System.Globalization.CultureInfo.InvariantCulture, root, "fromHeight: $from, toHeight: $to, first: $first, offset: $offset");
        var close = account is null ? " }" : "";
        var data = await QueryAsync($"query({subject}, $from: Long, $to: Long, $first: Int, $offset: Int) {{ {field} {{ {StatementFields} }}{close} }}",
            new { s = id, from, to, first, offset }, ct);
        var s = account is not null ? data.Req("statement") : data.Req(datanet is not null ? "datanet" : "model").Req("statement");
        return new StatementInfo(s.Long("fromHeight"), s.Long("toHeight"), s.Long("headHeight"), s.Wei("in"), s.Wei("out"), s.Str("net"),
            s.OptWei("openingBalance"), s.OptWei("closingBalance"), s.Int("lineCount"), s.Int("rowsRead"),
            s.Array("totals", t => new StatementTotalInfo(t.Str("kind"), t.OptStr("role"), t.Str("flow"), t.Wei("amount"), t.Long("count"))),
            s.Array("lines", l => new StatementLineInfo(l.Str("kind"), l.Str("flow"), l.Wei("amount"), l.Long("height"), l.Int("txIndex"), l.OptHash("txHash"),
                l.OptAddr("from"), l.OptAddr("to"), l.OptAddr("party"), l.OptStr("role"), l.OptHash("datanet"), l.OptHash("model"),
                l.OptHash("contribution"), l.OptHash("inference"))));
    }
}
