using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Ledger;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;

namespace OpenLedger.Silo.Cli;

/// <summary>`openledger account|block|tx`: read committed state from a running node.</summary>
public static class QueryCommands
{
    public static async Task<int> AccountAsync(Args args)
    {
        if (args.Positional.Count < 1 || !Address.TryParse(args.Positional[0], out var address)) throw new UsageException("usage: openledger account ADDRESS");
        var limit = args.GetInt("limit", 10, 1, 1_000);
        using var host = await NodeClient.ConnectAsync(NodeSettings.From(args));
        var grains = host.Services.GetRequiredService<IClusterClient>();
        var grain = grains.GetGrain<IAccountGrain>(address.ToString().ToLowerInvariant());
        var a = await grain.GetAsync();
        Console.WriteLine($"account    {a.Address}");
        Console.WriteLine($"balance    {a.Balance.ToOpenString()} OPEN ({a.Balance} wei)");
        Console.WriteLine($"nonce      {a.Nonce} (next {a.NextNonce}, {a.PendingCount} pending)");
        foreach (var h in a.PendingTransactions) Console.WriteLine($"  pending  {h}");
        var txs = await grain.GetTransactionsAsync(limit, null);
        if (txs.Count > 0) Console.WriteLine("recent transactions:");
        foreach (var t in txs)
            Console.WriteLine($"  block {t.BlockHeight,6} #{t.Index,-5} {t.Hash} {t.Kind} {t.From} -> {t.To} {t.Amount?.ToOpenString()} OPEN {(t.Succeeded == true ? "ok" : t.ErrorCode)}");
        return 0;
    }

    public static async Task<int> BlockAsync(Args args)
    {
        var which = args.Positional.FirstOrDefault() ?? "latest";
        long height = 0;
        if (which != "latest" && (!long.TryParse(which, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out height)))
            throw new UsageException($"usage: openledger block N|latest ('{which}' is neither)");
        var limit = args.GetInt("limit", 20, 0, 100_000);
        using var host = await NodeClient.ConnectAsync(NodeSettings.From(args));
        var grains = host.Services.GetRequiredService<IClusterClient>();
        if (which == "latest") height = (await grains.GetGrain<IChainGrain>(0).GetInfoAsync()).HeadHeight;
        var b = await grains.GetGrain<IBlockGrain>(height).GetAsync();
        if (b is null) { Console.WriteLine($"no block at height {height}"); return 1; }
        Console.WriteLine($"block        {b.Height}");
        Console.WriteLine($"hash         {b.Hash}");
        Console.WriteLine($"parent       {b.ParentHash}");
        Console.WriteLine($"time         {DateTimeOffset.FromUnixTimeMilliseconds(b.TimestampMs):u}");
        Console.WriteLine($"tx root      {b.TxRoot}");
        Console.WriteLine($"receipts     {b.ReceiptsRoot}");
        Console.WriteLine($"state root   {b.StateRoot}");
        Console.WriteLine($"producer     {b.Producer}");
        Console.WriteLine($"gas used     {b.GasUsed}");
        Console.WriteLine($"transactions {b.TransactionHashes.Count}");
        foreach (var h in b.TransactionHashes.Take(limit)) Console.WriteLine($"  {h}");
        return 0;
    }

    public static async Task<int> TransactionAsync(Args args)
    {
        if (args.Positional.Count < 1 || !Hash32.TryParse(args.Positional[0], out var hash)) throw new UsageException("usage: openledger tx HASH");
        using var host = await NodeClient.ConnectAsync(NodeSettings.From(args));
        var t = await host.Services.GetRequiredService<IClusterClient>().GetGrain<ITransactionGrain>(hash.ToString()).GetAsync();
        Console.WriteLine($"transaction {t.Hash}: {t.Status}");
        if (t.Status == TxStatus.Committed)
            Console.WriteLine($"  block {t.BlockHeight} index {t.Index}, {t.Kind} {t.From} -> {t.To} {t.Amount?.ToOpenString()} OPEN, nonce {t.Nonce}, " +
                              $"{(t.Succeeded == true ? "success" : "failed " + t.ErrorCode)}, gas {t.GasUsed}, fee {t.Fee?.ToOpenString()} OPEN");
        return t.Status == TxStatus.Unknown ? 1 : 0;
    }
}
