using System.Data.Common;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>The producer epoch (table ledger_producer, one row). Orleans keeps one producer activation in a healthy
/// cluster, but not across a partition or a silo that pauses past its membership timeout: two activations can then
/// both believe they produce. Each activation claims a new epoch when it takes over; each of its block commits first
/// checks, inside the block's own transaction, that its epoch is still the current one. On PostgreSQL that check is an
/// UPDATE, so it holds the row's lock until the block commits: a claim waits for the block, or the block sees the
/// claim. On SQLite the one writer serialises both. The height's primary key is the second guard.</summary>
internal static class ProducerFence
{
    // One statement, race-safe on both backends: the first claim inserts epoch 1, later ones increment it.
    private const string ClaimSql =
        "INSERT INTO ledger_producer (id, epoch, holder, claimed_at_ms) VALUES (1, 1, @holder, @now) " +
        "ON CONFLICT (id) DO UPDATE SET epoch = ledger_producer.epoch + 1, holder = excluded.holder, claimed_at_ms = excluded.claimed_at_ms " +
        "RETURNING epoch";

    // Changes nothing but locks the row (PostgreSQL) and counts it: 1 if the epoch is still current, else 0.
    private const string CheckSql = "UPDATE ledger_producer SET epoch = epoch WHERE id = 1 AND epoch = @epoch";

    public static async Task<long> ClaimAsync(LedgerConnections connections, string holder, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, ClaimSql, ("@holder", holder), ("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<long?> CurrentAsync(LedgerConnections connections, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        return await CurrentAsync(c, null, ct);
    }

    /// <summary>Throws <see cref="ProducerFencedException"/> unless <paramref name="epoch"/> is the current epoch; call it
    /// first in the block's transaction (the caller rolls back on the throw, so nothing of the block is written).</summary>
    public static async Task CheckAsync(DbConnection c, DbTransaction tx, long epoch, long height, CancellationToken ct)
    {
        await using var cmd = LedgerConnections.Command(c, tx, CheckSql, ("@epoch", epoch));
        if (await cmd.ExecuteNonQueryAsync(ct) == 1) return;
        throw new ProducerFencedException(epoch, await CurrentAsync(c, tx, ct), height);
    }

    private static async Task<long?> CurrentAsync(DbConnection c, DbTransaction? tx, CancellationToken ct)
    {
        await using var cmd = LedgerConnections.Command(c, tx, "SELECT epoch FROM ledger_producer WHERE id = 1");
        return await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
