using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Client;

// Reads of the ledger: the chain, accounts, transactions and blocks.
public sealed partial class LedgerClient
{
    private const string PageInfo = "pageInfo { hasNextPage endCursor }";
    private const string TransactionFields =
        "hash status kind from to amount nonce blockHeight index receipt { succeeded errorCode gasUsed fee }";

    public async Task<ChainSummary> GetChainAsync(CancellationToken ct = default)
    {
        var c = (await QueryAsync("{ chain { chainId name gasPriceFloor blockIntervalMs headHeight dev } }", null, ct)).Req("chain");
        return new ChainSummary((ulong)c.Long("chainId"), c.Str("name"), c.Wei("gasPriceFloor"), c.Int("blockIntervalMs"), c.Long("headHeight"), c.Bool("dev"));
    }

    public async Task<AccountInfo> GetAccountAsync(Address address, CancellationToken ct = default)
    {
        var a = (await QueryAsync("query($a: Address!) { account(address: $a) { address balance nonce nextNonce pendingCount pendingTransactions } }",
            new { a = address.ToString() }, ct)).Req("account");
        return new AccountInfo(a.Addr("address"), a.Wei("balance"), a.ULong("nonce"), a.ULong("nextNonce"), a.Int("pendingCount"), a.Hashes("pendingTransactions"));
    }

    /// <summary>The account's newest <paramref name="limit"/> committed transactions, sent or received, newest first.</summary>
    public async Task<IReadOnlyList<TransactionInfo>> GetAccountTransactionsAsync(Address address, int limit, CancellationToken ct = default) =>
        await CollectAsync($"query($a: Address!, $n: Int, $after: String) {{ account(address: $a) {{ transactions(first: $n, after: $after) {{ nodes {{ {TransactionFields} }} {PageInfo} }} }} }}",
            (after, n) => new { a = address.ToString(), n, after }, d => d.Req("account").Req("transactions"), ReadTransaction, limit, ct);

    /// <summary>The transaction, with status Unknown when the node has never seen it.</summary>
    public async Task<TransactionInfo> GetTransactionAsync(Hash32 hash, CancellationToken ct = default)
    {
        // One transaction also brings its kind's own fields (a listing leaves them out: they multiply its cost).
        var data = await QueryAsync($"query($h: Hash!) {{ transaction(hash: $h) {{ {TransactionFields} fields {{ name type values }} }} }}", new { h = hash.ToString() }, ct);
        return data.Opt("transaction") is { } t ? ReadTransaction(t) : TransactionInfo.Unknown(hash);
    }

    /// <summary>The block at <paramref name="height"/> (the head when null); null when there is none.</summary>
    public async Task<BlockInfo?> GetBlockAsync(long? height, CancellationToken ct = default)
    {
        var data = await QueryAsync("query($h: Long) { block(height: $h) { height hash parentHash timestamp transactionsRoot receiptsRoot stateRoot producer gasUsed transactionHashes } }",
            new { h = height }, ct);
        if (data.Opt("block") is not { } b) return null;
        return new BlockInfo(b.Long("height"), b.Hash("hash"), b.Hash("parentHash"), b.Req("timestamp").GetDateTimeOffset(), b.Hash("transactionsRoot"),
            b.Hash("receiptsRoot"), b.Hash("stateRoot"), b.Addr("producer"), (ulong)b.Long("gasUsed"), b.Hashes("transactionHashes"));
    }

    private static TransactionInfo ReadTransaction(JsonElement t)
    {
        var receipt = t.Opt("receipt");
        return new TransactionInfo(t.Hash("hash"), t.Enum<TransactionStatus>("status"), t.OptStr("kind"), t.OptAddr("from"), t.OptAddr("to"),
            t.OptWei("amount"), t.OptStr("nonce") is { } n ? ulong.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : null,
            t.OptLong("blockHeight"), t.OptInt("index"), receipt?.Bool("succeeded"), receipt?.OptStr("errorCode"),
            receipt is { } r ? (ulong)r.Long("gasUsed") : null, receipt?.OptWei("fee"),
            t.Opt("fields") is { } f && f.ValueKind == JsonValueKind.Array
                ? [.. f.EnumerateArray().Select(x => new TransactionFieldInfo(x.Str("name"), x.Str("type"), x.Strings("values")))]
                : null);
    }
}
