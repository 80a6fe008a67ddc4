using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Cli.Chain;

/// <summary>`openledger account|block|tx`: read committed state from a running node.</summary>
public static class QueryCommands
{
    public static async Task<int> AccountAsync(Args args, TextWriter output)
    {
        if (args.Positional.Count < 1 || !Address.TryParse(args.Positional[0], out var address)) throw new UsageException("usage: openledger account ADDRESS");
        var limit = args.GetInt("limit", 10, 1, 1_000);
        using var client = NodeOptions.Connect(args);
        var a = await client.GetAccountAsync(address);
        output.WriteLine($"account    {a.Address}");
        output.WriteLine($"balance    {a.Balance.ToOpenString()} OPEN ({a.Balance} wei)");
        output.WriteLine($"nonce      {a.Nonce} (next {a.NextNonce}, {a.PendingCount} pending)");
        foreach (var h in a.PendingTransactions) output.WriteLine($"  pending  {h}");
        var txs = await client.GetAccountTransactionsAsync(address, limit);
        if (txs.Count > 0) output.WriteLine("recent transactions:");
        foreach (var t in txs)
            output.WriteLine($"  block {t.BlockHeight,6} #{t.Index,-5} {t.Hash} {t.Kind} {t.From} -> {t.To} {t.Amount?.ToOpenString()} OPEN {(t.Succeeded == true ? "ok" : t.ErrorCode)}");
        return 0;
    }

    public static async Task<int> BlockAsync(Args args, TextWriter output)
    {
        var which = args.Positional.FirstOrDefault() ?? "latest";
        long height = 0;
        if (which != "latest" && (!long.TryParse(which, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out height)))
            throw new UsageException($"usage: openledger block N|latest ('{which}' is neither)");
        var limit = args.GetInt("limit", 20, 0, 100_000);
        using var client = NodeOptions.Connect(args);
        var b = await client.GetBlockAsync(which == "latest" ? null : height);
        if (b is null) { output.WriteLine($"no block at height {height}"); return 1; }
        output.WriteLine($"block        {b.Height}");
        output.WriteLine($"hash         {b.Hash}");
        output.WriteLine($"parent       {b.ParentHash}");
        output.WriteLine($"time         {b.Timestamp:u}");
        output.WriteLine($"tx root      {b.TransactionsRoot}");
        output.WriteLine($"receipts     {b.ReceiptsRoot}");
        output.WriteLine($"state root   {b.StateRoot}");
        output.WriteLine($"producer     {b.Producer}");
        output.WriteLine($"gas used     {b.GasUsed}");
        output.WriteLine($"transactions {b.TransactionHashes.Length}");
        foreach (var h in b.TransactionHashes.Take(limit)) output.WriteLine($"  {h}");
        return 0;
    }

    public static async Task<int> TransactionAsync(Args args, TextWriter output)
    {
        if (args.Positional.Count < 1 || !Hash32.TryParse(args.Positional[0], out var hash)) throw new UsageException("usage: openledger tx HASH");
        using var client = NodeOptions.Connect(args);
        var t = await client.GetTransactionAsync(hash);
        output.WriteLine($"transaction {t.Hash}: {t.Status}");
        if (t.Status == TransactionStatus.Committed)
        {
            output.WriteLine($"  block {t.BlockHeight} index {t.Index}, {t.Kind} from {t.From}, nonce {t.Nonce}, " +
                             $"{(t.Succeeded == true ? "success" : "failed " + t.ErrorCode)}, gas {t.GasUsed}, fee {t.Fee?.ToOpenString()} OPEN");
            // The kind's own fields, as its typed data names them: every kind prints what it carries.
            foreach (var f in t.Fields ?? []) output.WriteLine($"  {f.Name,-16} {FieldText(f)}");
        }
        return t.Status == TransactionStatus.Unknown ? 1 : 0;
    }

    /// <summary>A field's value for people: amounts (uint256, wei on this chain) also in OPEN, the enumerations' numbers
    /// with their names (the typed data carries the number), arrays as a counted list.</summary>
    public static string FieldText(TransactionFieldInfo f)
    {
        static string One(string type, string v) =>
            type == "uint256" && Wei.TryParse(v, out var w) ? $"{w.ToOpenString()} OPEN ({v} wei)" : v.Length == 0 ? "\"\"" : v;
        if (f.Type == "uint8" && f.Values.Length == 1 && byte.TryParse(f.Values[0], out var n) && EnumName(f.Name, n) is { } name)
            return $"{name} ({n})";
        if (!f.Type.EndsWith("[]", StringComparison.Ordinal)) return f.Values.Length == 1 ? One(f.Type, f.Values[0]) : string.Join(", ", f.Values);
        var element = f.Type[..^2];
        return f.Values.Length == 0 ? "(none)" : $"{f.Values.Length}: {string.Join(", ", f.Values.Select(v => One(element, v)))}";
    }

    private static string? EnumName(string field, byte n) =>
        field switch
        {
            "taskKind" => Enum.IsDefined((TaskKind)n) ? ((TaskKind)n).ToString() : null,
            "forfeitTo" => Enum.IsDefined((ForfeitRule)n) ? ((ForfeitRule)n).ToString() : null,
            "status" => Enum.IsDefined((ModelStatus)n) ? ((ModelStatus)n).ToString() : null,
            _ => null,
        };
}
