using System.Data.Common;
using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>Reads of committed marketplace objects and events: pages filtered by the indexed columns.</summary>
internal sealed class SqlMarketQueries(LedgerConnections connections)
{
    private const string SelectObject = "SELECT idx, updated_height, kind, data FROM ledger_objects";

    private static StoredObject ReadObject(DbDataReader r) =>
        new(r.GetInt32(0), r.GetInt64(1), MarketObjects.Decode((MarketObjectKind)Convert.ToByte(r[2], CultureInfo.InvariantCulture), (byte[])r[3]));

    public async Task<StoredObject?> GetObjectAsync(Hash32 id, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, SelectObject + " WHERE id = @id", ("@id", id.ToArray()));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadObject(r) : null;
    }

    private static (List<string> Where, List<(string, object?)> Parameters) ObjectFilter(ObjectQuery q)
    {
        var where = new List<string> { "kind = @kind" };
        var ps = new List<(string, object?)> { ("@kind", (int)q.Kind) };
        if (q.Parent is { } parent) { where.Add("parent = @parent"); ps.Add(("@parent", parent.ToArray())); }
        if (q.Party is { } party) { where.Add("party = @party"); ps.Add(("@party", party.ToArray())); }
        if (q.Status is { } status) { where.Add("status = @status"); ps.Add(("@status", status)); }
        return (where, ps);
    }

    /// <summary>How many objects match the query's filters (not its page), counting at most <paramref name="cap"/> + 1
    /// rows: null when more than <paramref name="cap"/> match (a count must not cost a scan of the whole table).</summary>
    public async Task<int?> CountObjectsAsync(ObjectQuery q, int cap, CancellationToken ct)
    {
        var (where, ps) = ObjectFilter(q);
        return await CountAsync($"SELECT 1 FROM ledger_objects WHERE {string.Join(" AND ", where)}", ps, cap, ct);
    }

    /// <summary>How many events match the query's filters (not its page), at most <paramref name="cap"/> (else null).</summary>
    public async Task<int?> CountEventsAsync(EventQuery q, int cap, CancellationToken ct)
    {
        var (where, ps) = EventFilter(q with { BeforeHeight = null });
        return await CountAsync("SELECT 1 FROM ledger_events e" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : ""), ps, cap, ct);
    }

    private async Task<int?> CountAsync(string rows, List<(string, object?)> ps, int cap, CancellationToken ct)
    {
        ps.Add(("@cap", cap + 1));
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, $"SELECT COUNT(*) FROM ({rows} LIMIT @cap) counted", [.. ps]);
        var n = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return n > cap ? null : n;
    }

    public async Task<IReadOnlyList<StoredObject>> QueryObjectsAsync(ObjectQuery q, CancellationToken ct)
    {
        var (where, ps) = ObjectFilter(q);
        if (q.AfterIndex is { } after) { where.Add(q.Descending ? "idx < @after" : "idx > @after"); ps.Add(("@after", after)); }
        ps.Add(("@limit", Math.Clamp(q.Limit, 1, 1000)));
        var sql = $"{SelectObject} WHERE {string.Join(" AND ", where)} ORDER BY idx {(q.Descending ? "DESC" : "ASC")} LIMIT @limit";
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, sql, [.. ps]);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<StoredObject>();
        while (await r.ReadAsync(ct)) list.Add(ReadObject(r));
        return list;
    }

    private static (List<string> Where, List<(string, object?)> Parameters) EventFilter(EventQuery q)
    {
        var where = new List<string>();
        var ps = new List<(string, object?)>();
        if (q.Party is { } party) { where.Add("e.party = @party"); ps.Add(("@party", party.ToArray())); }
        if (q.Datanet is { } datanet) { where.Add("e.datanet = @datanet"); ps.Add(("@datanet", datanet.ToArray())); }
        if (q.Model is { } model) { where.Add("e.model = @model"); ps.Add(("@model", model.ToArray())); }
        if (q.Subject is { } subject) { where.Add("e.subject = @subject"); ps.Add(("@subject", subject.ToArray())); }
        if (q.Contribution is { } contribution) { where.Add("e.contribution = @contribution"); ps.Add(("@contribution", contribution.ToArray())); }
        // The datanet and model indexes leave reward credits out (see Ledger.sql); saying so lets the planner use them.
        // A model's credits alone have their own index.
        var rewards = (int)MarketEventKind.RewardCredited;
        // So have a contribution's (Contribution.influence reads them).
        if ((q.Model is not null || q.Contribution is not null) && q.Datanet is null && q.Kinds is [MarketEventKind.RewardCredited]) where.Add($"e.kind = {rewards}");
        else if (q.Datanet is not null || q.Model is not null) where.Add($"e.kind <> {rewards}");
        if (q.Kinds is { Count: > 0 } kinds) where.Add($"e.kind IN ({string.Join(",", kinds.Select(k => ((int)k).ToString(CultureInfo.InvariantCulture)))})");
        if (q.BeforeHeight is { } bh)
        {
            where.Add("(e.height < @bh OR (e.height = @bh AND e.seq < @bs))");
            ps.Add(("@bh", bh)); ps.Add(("@bs", q.BeforeSeq));
        }
        return (where, ps);
    }

    public async Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(EventQuery q, CancellationToken ct)
    {
        var (where, ps) = EventFilter(q);
        ps.Add(("@limit", Math.Clamp(q.Limit, 1, 1000)));
        var sql = "SELECT e.height, e.seq, b.timestamp_ms, e.kind, e.tx_index, e.tx_hash, e.subject, e.party, e.amount, e.datanet, e.model, e.contribution, e.inference, e.detail " +
            "FROM ledger_events e JOIN ledger_blocks b ON b.height = e.height" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY e.height DESC, e.seq DESC LIMIT @limit";
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, sql, [.. ps]);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<StoredEvent>();
        while (await r.ReadAsync(ct))
        {
            Hash32? H(int i) => r.IsDBNull(i) ? null : new Hash32((byte[])r[i]);
            var e = new MarketEvent(
                (MarketEventKind)Convert.ToByte(r[3], CultureInfo.InvariantCulture), r.GetInt32(4), new Hash32((byte[])r[5]), new Hash32((byte[])r[6]),
                r.IsDBNull(7) ? null : new Address((byte[])r[7]), r.IsDBNull(8) ? null : Wei.Parse(r.GetString(8)),
                H(9), H(10), H(11), H(12), r.IsDBNull(13) ? null : r.GetString(13));
            list.Add(new StoredEvent(r.GetInt64(0), r.GetInt32(1), r.GetInt64(2), e));
        }
        return list;
    }
}
