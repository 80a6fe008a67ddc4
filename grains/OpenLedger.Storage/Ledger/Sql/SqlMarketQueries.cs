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
        var sql = new SqlEventQuery(q with { BeforeHeight = null });
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, sql.Count(), [.. sql.Parameters, ("@cap", cap + 1)]);
        var n = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return n > cap ? null : n;
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

    public async Task<IReadOnlyList<StoredEvent>> QueryEventsAsync(EventQuery q, CancellationToken ct)
    {
        var sql = new SqlEventQuery(q);
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, sql.Page(), [.. sql.Parameters, ("@limit", Math.Clamp(q.Limit, 1, 1000))]);
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
