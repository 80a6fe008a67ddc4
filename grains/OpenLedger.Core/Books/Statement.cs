using System.Numerics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.Books;

/// <summary>How a posting concerns a statement's subject: wei that came in or went out of an account, wei that moved
/// within a datanet's or model's business, or a memo (an account's stake forfeited to someone else: it left the
/// account when it was locked, so the forfeit changes no balance of the account's).</summary>
public enum Flow : byte { In = 1, Out, Moved, Memo }

/// <summary>A posting as a statement shows it.</summary>
public sealed record StatementLine(Posting Posting, Flow Flow);

/// <summary>The sum and count of a statement's lines of one kind, role and flow.</summary>
public sealed record StatementTotal(BookKind Kind, string? Role, Flow Flow, Wei Amount, long Count);

/// <summary>The postings that concern one account, datanet or model, in ledger order, with totals by kind. For an
/// account, <see cref="In"/> - <see cref="Out"/> is the change of its balance over the postings read (memo lines
/// count in neither).</summary>
public sealed record Statement(IReadOnlyList<StatementTotal> Totals, IReadOnlyList<StatementLine> Lines, Wei In, Wei Out)
{
    public BigInteger Net => (BigInteger)In.Value - (BigInteger)Out.Value;

    /// <summary>Everything that moved to or from <paramref name="account"/>, and the forfeits of its stakes.</summary>
    public static Statement OfAccount(Address account, IEnumerable<Posting> postings) => Build(postings, p =>
    {
        var flows = new List<Flow>(2);
        if (p.From == account) flows.Add(Flow.Out);
        if (p.To == account) flows.Add(Flow.In);
        if (flows.Count == 0 && p.Kind == BookKind.StakeForfeited && p.Party == account) flows.Add(Flow.Memo);
        return flows;
    });

    /// <summary>A datanet's business: contribution fees to its owner, its stakes locked, returned, forfeited and
    /// refunded, and the settlement credits paid to its contributors.</summary>
    public static Statement OfDatanet(Hash32 datanet, IEnumerable<Posting> postings) =>
        Build(postings, p => p.Datanet == datanet ? [Flow.Moved] : []);

    /// <summary>A model's business: its escrows, their refunds or forfeits at expiry, and each settlement's split.</summary>
    public static Statement OfModel(Hash32 model, IEnumerable<Posting> postings) =>
        Build(postings, p => p.Model == model ? [Flow.Moved] : []);

    private static Statement Build(IEnumerable<Posting> postings, Func<Posting, IReadOnlyList<Flow>> flowsOf)
    {
        var lines = new List<StatementLine>();
        var totals = new Dictionary<(BookKind, string?, Flow), (Wei Amount, long Count)>();
        Wei @in = Wei.Zero, @out = Wei.Zero;
        foreach (var p in postings)
            foreach (var flow in flowsOf(p))
            {
                lines.Add(new StatementLine(p, flow));
                var key = (p.Kind, p.Role, flow);
                var t = totals.GetValueOrDefault(key, (Wei.Zero, 0));
                totals[key] = (t.Amount + p.Amount, t.Count + 1);
                if (flow == Flow.In) @in += p.Amount;
                else if (flow == Flow.Out) @out += p.Amount;
            }
        var list = totals.OrderBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item3)
            .Select(kv => new StatementTotal(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value.Amount, kv.Value.Count)).ToList();
        return new Statement(list, lines, @in, @out);
    }
}
