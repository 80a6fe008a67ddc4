using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>Loads the committed state and the head header in one snapshot and checks the state against the head's
/// state root (<see cref="StateRootMismatchException"/>).</summary>
internal sealed class SqlStateLoader(LedgerConnections connections)
{
    /// <summary>Tests only: runs between the reads of the accounts and of the rest (see SqlLedgerStore.BetweenReloadReadsForTests).</summary>
    public Func<CancellationToken, Task>? BetweenReadsForTests { get; set; }

    public async Task<(LedgerState State, BlockHeader Head)> LoadAsync(CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        // One snapshot for every read, so the accounts, the objects and the head are of the same committed block.
        // PostgreSQL: REPEATABLE READ fixes the snapshot at the first statement (READ COMMITTED takes a new one per
        // statement, so a block committed between two reads would be half seen). SQLite: a deferred transaction is a
        // read transaction whose WAL snapshot is fixed at the first read; the default (BEGIN IMMEDIATE) would also hold
        // the write lock and stall the producer's commits for as long as the reload takes.
        await using var tx = connections.Backend == StorageBackend.Sqlite
            ? ((SqliteConnection)c).BeginTransaction(deferred: true)
            : await c.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var state = new LedgerState();
        await using (var cmd = LedgerConnections.Command(c, tx, "SELECT address, idx, balance, nonce FROM ledger_accounts ORDER BY idx"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                state.Load(r.GetInt32(1), new Address((byte[])r[0]), new AccountState(Wei.Parse(r.GetString(2)), (ulong)r.GetInt64(3)));
        if (BetweenReadsForTests is { } between) await between(ct);
        await using (var cmd = LedgerConnections.Command(c, tx, "SELECT idx, kind, data FROM ledger_objects ORDER BY idx"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                state.Market.Load(r.GetInt32(0), MarketObjects.Decode((MarketObjectKind)Convert.ToByte(r[1], CultureInfo.InvariantCulture), (byte[])r[2]));
        BlockHeader? head;
        await using (var cmd = LedgerConnections.Command(c, tx, SqlLedgerQueries.SelectHead))
            head = await cmd.ExecuteScalarAsync(ct) is byte[] b ? BlockHeader.Decode(b) : null;
        await tx.CommitAsync(ct);
        if (head is null) throw new InvalidOperationException("the ledger has no genesis block: call InitializeAsync first");
        // The state must be the one the head commits to; anything else would be built on and sealed into new blocks.
        var root = state.StateRoot();
        if (root != head.StateRoot) throw new StateRootMismatchException(head, root);
        return (state, head);
    }
}
