using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>Reads of committed blocks, transactions and accounts. Each opens its own connection and reads in one
/// statement (or, for a block's transactions, one statement per block).</summary>
internal sealed class SqlLedgerQueries(LedgerConnections connections)
{
    public const string SelectHead = "SELECT header FROM ledger_blocks ORDER BY height DESC LIMIT 1";

    public async Task<BlockHeader?> GetHeadAsync(CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, SelectHead);
        return await cmd.ExecuteScalarAsync(ct) is byte[] b ? BlockHeader.Decode(b) : null;
    }

    public async Task<long?> GetHeightOfBlockAsync(Hash32 hash, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, "SELECT height FROM ledger_blocks WHERE hash = @h", ("@h", hash.ToArray()));
        return await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Blocks in a height range stamped at or after a time, newest first; the height range (the primary key)
    /// bounds the rows read, the timestamp only filters them.</summary>
    public async Task<IReadOnlyList<BlockStamp>> GetBlockStampsAsync(long from, long to, long sinceMs, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null,
            "SELECT height, timestamp_ms, tx_count FROM ledger_blocks WHERE height >= @f AND height <= @t AND timestamp_ms >= @s ORDER BY height DESC",
            ("@f", from), ("@t", to), ("@s", sinceMs));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<BlockStamp>();
        while (await r.ReadAsync(ct)) list.Add(new BlockStamp(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2)));
        return list;
    }

    /// <summary>One block's header and signature, and its transactions' hashes from their own column, in block order.</summary>
    public async Task<BlockSummary?> GetBlockSummaryAsync(long height, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        BlockHeader header;
        Signature sig;
        await using (var cmd = LedgerConnections.Command(c, null, "SELECT header, signature FROM ledger_blocks WHERE height = @h", ("@h", height)))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            header = BlockHeader.Decode((byte[])r[0]);
            sig = Signature.Read((byte[])r[1]);
        }
        var hashes = new List<Hash32>(header.TxCount);
        if (header.TxCount > 0)
        {
            await using var tc = LedgerConnections.Command(c, null, "SELECT hash FROM ledger_transactions WHERE height = @h ORDER BY idx", ("@h", height));
            await using var tr = await tc.ExecuteReaderAsync(ct);
            while (await tr.ReadAsync(ct)) hashes.Add(new Hash32((byte[])tr[0]));
        }
        return new BlockSummary(header, sig, hashes);
    }

    /// <summary>Blocks from <paramref name="from"/> to <paramref name="to"/> in height order, each with its raw
    /// transactions (read on a second connection while the first still streams the blocks).</summary>
    public async IAsyncEnumerable<SealedBlock> ReadBlocksAsync(long from, long to, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct);
        await using var bc = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null,
            "SELECT height, header, signature FROM ledger_blocks WHERE height >= @f AND height <= @t ORDER BY height", ("@f", from), ("@t", to));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var height = r.GetInt64(0);
            var header = BlockHeader.Decode((byte[])r[1]);
            var sig = Signature.Read((byte[])r[2]);
            var raws = new List<byte[]>(header.TxCount);
            if (header.TxCount > 0)
            {
                await using var tc = LedgerConnections.Command(bc, null, "SELECT raw FROM ledger_transactions WHERE height = @h ORDER BY idx", ("@h", height));
                await using var tr = await tc.ExecuteReaderAsync(ct);
                while (await tr.ReadAsync(ct)) raws.Add((byte[])tr[0]);
            }
            yield return new SealedBlock(header, sig, raws);
        }
    }

    // Every column of ledger_transactions, in table order: ReadTx's ordinals.
    private static readonly string SelectTx = LedgerTables.Transactions.Select;

    private static TransactionRecord ReadTx(DbDataReader r)
    {
        var hash = new Hash32((byte[])r[0]);
        var receipt = new Receipt(hash, r.GetInt32(2), (ReceiptStatus)Convert.ToByte(r[7], CultureInfo.InvariantCulture),
            (ErrorCode)r.GetInt32(8), (ulong)r.GetInt64(9), Wei.Parse(r.GetString(10)));
        return new TransactionRecord(r.GetInt64(1), r.GetInt32(2), (TxKind)r.GetInt32(5), new Address((byte[])r[3]),
            r.IsDBNull(4) ? null : new Address((byte[])r[4]), (byte[])r[6], receipt);
    }

    private async Task<IReadOnlyList<TransactionRecord>> QueryTxsAsync(string sql, CancellationToken ct, params (string, object?)[] ps)
    {
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, sql, ps);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<TransactionRecord>();
        while (await r.ReadAsync(ct)) list.Add(ReadTx(r));
        return list;
    }

    public async Task<TransactionRecord?> GetTransactionAsync(Hash32 hash, CancellationToken ct) =>
        (await QueryTxsAsync(SelectTx + " WHERE hash = @h", ct, ("@h", hash.ToArray()))).FirstOrDefault();

    public Task<IReadOnlyList<TransactionRecord>> GetBlockTransactionsAsync(long height, CancellationToken ct) =>
        QueryTxsAsync(SelectTx + " WHERE height = @h ORDER BY idx", ct, ("@h", height));

    public Task<IReadOnlyList<TransactionRecord>> GetBlockTransactionsAsync(long height, int offset, int limit, CancellationToken ct) =>
        QueryTxsAsync(SelectTx + " WHERE height = @h AND idx >= @o ORDER BY idx LIMIT @n", ct, ("@h", height), ("@o", offset), ("@n", limit));

    public Task<IReadOnlyList<TransactionRecord>> GetAccountTransactionsAsync(Address address, int limit, long? beforeHeight, CancellationToken ct) =>
        QueryTxsAsync(
            $"SELECT * FROM ({SelectTx} WHERE sender = @a AND height < @b UNION {SelectTx} WHERE recipient = @a AND height < @b) AS t " +
            "ORDER BY height DESC, idx DESC LIMIT @n", ct,
            ("@a", address.ToArray()), ("@b", beforeHeight ?? long.MaxValue), ("@n", limit));

    public async Task<IReadOnlyDictionary<Address, AccountState>> GetAccountsAsync(IReadOnlyCollection<Address> addresses, CancellationToken ct)
    {
        var result = new Dictionary<Address, AccountState>();
        if (addresses.Count == 0) return result;
        await using var c = await connections.OpenAsync(ct);
        await using var cmd = LedgerConnections.Command(c, null, "SELECT balance, nonce FROM ledger_accounts WHERE address = @a", ("@a", null));
        foreach (var a in addresses)
        {
            cmd.Parameters[0].Value = a.ToArray();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct)) result[a] = new AccountState(Wei.Parse(r.GetString(0)), (ulong)r.GetInt64(1));
        }
        return result;
    }
}
