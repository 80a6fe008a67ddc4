using System.Globalization;
using OpenLedger.Core.Market;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>The SQL of an event query over the two tables events are stored in: ledger_events (every event but the
/// narrow reward credits) and ledger_reward_credits joined to its settlement's row (<see cref="SqlRewardCredits"/>).
/// Each side is filtered, ordered and limited on its own indexes, and the two pages are merged: the answer is the
/// one a single table held before.</summary>
internal sealed class SqlEventQuery
{
    private const string Columns = "height, seq, kind, tx_index, tx_hash, subject, party, amount, datanet, model, contribution, inference, detail";

    private readonly List<string> _events = [];
    private readonly List<string>? _credits;
    private readonly string _creditsOrder = "r.height DESC, r.settled_seq DESC, r.seq DESC";

    public SqlEventQuery(EventQuery q)
    {
        var ps = new List<(string, object?)>();
        if (q.Party is { } party) { _events.Add("e.party = @party"); ps.Add(("@party", party.ToArray())); }
        if (q.Datanet is { } datanet) { _events.Add("e.datanet = @datanet"); ps.Add(("@datanet", datanet.ToArray())); }
        if (q.Model is { } model) { _events.Add("e.model = @model"); ps.Add(("@model", model.ToArray())); }
        if (q.Subject is { } subject) { _events.Add("e.subject = @subject"); ps.Add(("@subject", subject.ToArray())); }
        if (q.Contribution is { } contribution) { _events.Add("e.contribution = @contribution"); ps.Add(("@contribution", contribution.ToArray())); }
        // The datanet and model indexes leave reward credits out (see Ledger.sql); saying so lets the planner use them.
        // A model's credits alone have their own index.
        var rewards = (int)MarketEventKind.RewardCredited;
        // So have a contribution's (Contribution.influence reads them).
        var creditsOnly = (q.Model is not null || q.Contribution is not null) && q.Datanet is null && q.Kinds is [MarketEventKind.RewardCredited];
        // And so have all the credits left in ledger_events (most are narrow rows now, so a scan would find few).
        var allCredits = q.Kinds is [MarketEventKind.RewardCredited] && q.Datanet is null && q.Model is null;
        if (creditsOnly || allCredits) _events.Add($"e.kind = {rewards}");
        else if (q.Datanet is not null || q.Model is not null) _events.Add($"e.kind <> {rewards}");
        if (q.Kinds is { Count: > 0 } kinds) _events.Add($"e.kind IN ({string.Join(",", kinds.Select(k => ((int)k).ToString(CultureInfo.InvariantCulture)))})");
        if (q.BeforeHeight is { } bh)
        {
            _events.Add("(e.height < @bh OR (e.height = @bh AND e.seq < @bs))");
            ps.Add(("@bh", bh)); ps.Add(("@bs", q.BeforeSeq));
        }
        Parameters = ps;

        // The narrow credits answer exactly when ledger_events' credits would: not for a datanet's feed, nor a model's
        // unless credits alone are asked for, nor when the kinds leave credits out.
        var wantsCredits = q.Datanet is null && (q.Model is null || creditsOnly) && (q.Kinds is not { Count: > 0 } k2 || k2.Contains(MarketEventKind.RewardCredited));
        if (!wantsCredits) return;
        _credits = [];
        if (q.Party is not null) _credits.Add("r.party = @party");
        if (q.Contribution is not null) _credits.Add("r.contribution = @contribution");
        // The settlement's row (kind InferenceSettled, never a credit) holds the model and subject; the partial model
        // index is usable only when the query says kind <> 12 in so many words.
        if (q.Model is not null) _credits.Add($"s.model = @model AND s.kind <> {rewards}");
        if (q.Subject is not null) _credits.Add("s.subject = @subject");
        if (q.BeforeHeight is not null) _credits.Add("(r.height < @bh OR (r.height = @bh AND r.seq < @bs))");
        // Found from the settlement's side (model or subject), the order is the settlements' and then each one's
        // credits, which is block order too; said in those columns the page needs no sort.
        if (q.Party is null && q.Contribution is null && (q.Model is not null || q.Subject is not null))
            _creditsOrder = "s.height DESC, s.seq DESC, r.seq DESC";
    }

    public IReadOnlyList<(string Name, object? Value)> Parameters { get; }

    private static string Where(List<string> terms) => terms.Count > 0 ? " WHERE " + string.Join(" AND ", terms) : "";

    private string EventRows(string select) => $"SELECT {select} FROM ledger_events e{Where(_events)}";

    private string CreditRows(string select) =>
        $"SELECT {select} FROM ledger_reward_credits r JOIN ledger_events s ON s.height = r.height AND s.seq = r.settled_seq{Where(_credits!)}";

    private const string CreditColumns = "r.height, r.seq, 12 AS kind, s.tx_index, s.tx_hash, s.subject, r.party, r.amount, r.datanet, s.model, r.contribution, s.inference, r.detail";

    /// <summary>The newest @limit matching events, newest first, with their block's timestamp: columns height, seq,
    /// timestamp_ms, kind, tx_index, tx_hash, subject, party, amount, datanet, model, contribution, inference, detail.</summary>
    public string Page()
    {
        var events = $"{EventRows("e." + Columns.Replace(", ", ", e.", StringComparison.Ordinal))} ORDER BY e.height DESC, e.seq DESC LIMIT @limit";
        var rows = _credits is null ? events :
            $"SELECT * FROM ({events}) ev UNION ALL SELECT * FROM ({CreditRows(CreditColumns)} ORDER BY {_creditsOrder} LIMIT @limit) rc";
        return "SELECT u.height, u.seq, b.timestamp_ms, u.kind, u.tx_index, u.tx_hash, u.subject, u.party, u.amount, u.datanet, u.model, u.contribution, u.inference, u.detail " +
            $"FROM ({rows}) u JOIN ledger_blocks b ON b.height = u.height ORDER BY u.height DESC, u.seq DESC LIMIT @limit";
    }

    /// <summary>How many events match, counting at most @cap rows of each table.</summary>
    public string Count()
    {
        var events = $"(SELECT COUNT(*) FROM ({EventRows("1 AS one")} LIMIT @cap) ev)";
        return _credits is null ? $"SELECT {events}" : $"SELECT {events} + (SELECT COUNT(*) FROM ({CreditRows("1 AS one")} LIMIT @cap) rc)";
    }
}
