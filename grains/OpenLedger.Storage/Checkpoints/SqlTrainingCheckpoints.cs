using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Storage.Ledger.Sql;
using OpenLedger.Storage.Schema;

namespace OpenLedger.Storage.Checkpoints;

/// <summary>
/// Model Factory's checkpoints in the node's database (table <c>ml_checkpoints</c>, SQLite or PostgreSQL), so a job
/// resumed on any ML silo continues from its last checkpoint. A table rather than the content store: the content store
/// is addressed by hash and never forgets, while a job needs one mutable slot (only its last checkpoint matters, each
/// replaces the one before; the row is deleted when the job succeeds) and a fence in the same row.
/// <para>The fence: every run of a job first <see cref="ClaimAsync">claims</see> it, which increments the row's epoch;
/// a checkpoint write names the epoch it was claimed under and changes nothing when another run has claimed the job
/// since (<see cref="WriteAsync"/> returns false). Orleans keeps one activation of a job grain in a healthy cluster, but a
/// silo that pauses past its membership timeout wakes up still running the job it had while another silo took it over:
/// its next write is refused, so the successor's checkpoint is never replaced by the stale run's.</para>
/// </summary>
public sealed class SqlTrainingCheckpoints(StorageBackend backend, string connectionString)
{
    // Not the other scripts' keys: they may be applied at the same time by different silos.
    private const long AdvisoryLockKey = 0x4F70656E436B7074; // "OpenCkpt"

    private readonly LedgerConnections _connections = new(backend, connectionString);

    public StorageBackend Backend => backend;

    public Task EnsureSchemaAsync(CancellationToken ct = default) => TableScript.ApplyAsync(backend, connectionString, "Checkpoints", AdvisoryLockKey, ct);

    // One statement, race-safe on both backends: the first claim inserts epoch 1 (no checkpoint yet), later ones increment it.
    private const string ClaimSql =
        "INSERT INTO ml_checkpoints (job, epoch, silo, claimed_ms) VALUES (@job, 1, @silo, @now) " +
        "ON CONFLICT (job) DO UPDATE SET epoch = ml_checkpoints.epoch + 1, silo = excluded.silo, claimed_ms = excluded.claimed_ms " +
        "RETURNING epoch";

    /// <summary>Starts a run of <paramref name="job"/> on <paramref name="silo"/>: the new epoch its writes must name.</summary>
    public async Task<long> ClaimAsync(Hash32 job, string silo, CancellationToken ct = default)
    {
        await using var c = await _connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, ClaimSql, ("@job", job.ToArray()), ("@silo", silo), ("@now", Now()));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>The job's last checkpoint, or null when it has none.</summary>
    public async Task<StoredCheckpoint?> ReadAsync(Hash32 job, CancellationToken ct = default)
    {
        await using var c = await _connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null,
            "SELECT step, state_json, tensors, epoch, silo, written_ms FROM ml_checkpoints WHERE job = @job AND step IS NOT NULL", ("@job", job.ToArray()));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new StoredCheckpoint(Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1), (byte[])r.GetValue(2),
            Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture), r.GetString(4), Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture));
    }

    /// <summary>Replaces the job's checkpoint if <paramref name="epoch"/> still holds the job (one statement, so the
    /// check and the write are atomic); false when a later run has claimed it (nothing is written).</summary>
    public async Task<bool> WriteAsync(Hash32 job, long epoch, int step, string stateJson, byte[] tensors, CancellationToken ct = default)
    {
        await using var c = await _connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null,
            "UPDATE ml_checkpoints SET step = @step, state_json = @state, tensors = @tensors, written_ms = @now WHERE job = @job AND epoch = @epoch",
            ("@job", job.ToArray()), ("@epoch", epoch), ("@step", step), ("@state", stateJson), ("@tensors", tensors), ("@now", Now()));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Who holds the job and its checkpoint's step and size, or null when the job has no row.</summary>
    public async Task<CheckpointInfo?> GetInfoAsync(Hash32 job, CancellationToken ct = default)
    {
        await using var c = await _connections.OpenAsync(ct);
        var length = backend == StorageBackend.Sqlite ? "length(tensors)" : "octet_length(tensors)";
        await using var cmd = LedgerConnections.Command(c, null,
            $"SELECT epoch, silo, claimed_ms, step, COALESCE({length}, 0), written_ms FROM ml_checkpoints WHERE job = @job", ("@job", job.ToArray()));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new CheckpointInfo(Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1), Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture),
            r.IsDBNull(3) ? null : Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture),
            r.IsDBNull(5) ? null : Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture));
    }

    /// <summary>Forgets the job's checkpoint and epoch once the run of <paramref name="epoch"/> succeeded (nothing will
    /// resume it); a stale run's success deletes nothing of its successor's.</summary>
    public async Task DeleteAsync(Hash32 job, long epoch, CancellationToken ct = default)
    {
        await using var c = await _connections.OpenAsync(ct);
        await LedgerConnections.ExecAsync(c, null, "DELETE FROM ml_checkpoints WHERE job = @job AND epoch = @epoch", ct, ("@job", job.ToArray()), ("@epoch", epoch));
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
