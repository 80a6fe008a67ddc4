using Microsoft.Data.Sqlite;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>Commits blocks to a SQLite file through one long-lived connection. Its page cache keeps the tables' upper
/// B-tree levels and hot leaves across blocks (a pooled connection per block would start from whatever the pool hands
/// out, with SQLite's default 2 MB cache). The lock orders commits should two callers ever race (a producer runs as a
/// single activation, so normally there is one).</summary>
internal sealed class SqliteCommitter(LedgerConnections connections, IBlockWriter writer) : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

    // SQLite's automatic checkpoint copies the write-ahead log into the database inside the commit that crosses
    // its threshold, i.e. inside the producer's turn, and after almost every large block. Instead the writer's
    // threshold is set high (a safety net) and a passive checkpoint runs beside the producer, on another connection,
    // once enough has been written: a page changed by several blocks is then copied once, and never in a commit.
    private const int WriterCacheKiB = 65_536;
    private const int WriterAutoCheckpointPages = 100_000;
    private const int CheckpointAfterRows = 16_384;
    private int _rowsSinceCheckpoint;
    private int _checkpointing;

    /// <param name="producerEpoch">Checked first in the block's transaction (<see cref="ProducerFence"/>); null: unfenced.</param>
    public async Task CommitAsync(ExecutedBlock block, Signature producerSignature, long? producerEpoch, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            _writer ??= await OpenWriterAsync(ct);
            try
            {
                await using var tx = await _writer.BeginTransactionAsync(ct);
                if (producerEpoch is { } epoch) await ProducerFence.CheckAsync(_writer, tx, epoch, block.Header.Height, ct);
                await writer.WriteAsync(_writer, tx, block, producerSignature, ct);
                await tx.CommitAsync(ct);
            }
            catch
            {
                // Whatever state the connection is in, the next block starts on a fresh one (the transaction rolled back).
                await _writer.DisposeAsync();
                _writer = null;
                throw;
            }
        }
        finally { _writeLock.Release(); }
        if (Interlocked.Add(ref _rowsSinceCheckpoint, block.Transactions.Count + block.ChangedAccounts.Count) >= CheckpointAfterRows)
            StartCheckpoint();
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken ct)
    {
        var c = (SqliteConnection)await connections.OpenAsync(ct);
        await LedgerConnections.ExecAsync(c, null, $"PRAGMA cache_size=-{WriterCacheKiB}; PRAGMA wal_autocheckpoint={WriterAutoCheckpointPages};", ct);
        return c;
    }

    private void StartCheckpoint()
    {
        if (Interlocked.CompareExchange(ref _checkpointing, 1, 0) != 0) return;
        Interlocked.Exchange(ref _rowsSinceCheckpoint, 0);
        _ = Task.Run(async () =>
        {
            try
            {
                await using var c = await connections.OpenAsync(CancellationToken.None);
                await LedgerConnections.ExecAsync(c, null, "PRAGMA wal_checkpoint(PASSIVE);", CancellationToken.None);
            }
            catch (Exception)
            {
                // A checkpoint that fails (busy, closing) loses nothing: the log stays and the next one copies it.
            }
            finally { Volatile.Write(ref _checkpointing, 0); }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_writer is not null) await _writer.DisposeAsync();
            _writer = null;
        }
        finally { _writeLock.Release(); }
    }
}
