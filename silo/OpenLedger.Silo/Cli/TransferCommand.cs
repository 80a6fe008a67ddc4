using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Ledger;
using OpenLedger.Silo.Cli.Marketplace;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;

namespace OpenLedger.Silo.Cli;

/// <summary>`openledger transfer`: sign a transfer locally (the key never leaves this process), submit it and wait for its block.</summary>
public static class TransferCommand
{
    public static async Task<int> ExecuteAsync(Args args)
    {
        var settings = NodeSettings.From(args);
        var key = SignerKeys.Resolve(args, settings);
        if (!Address.TryParse(args.Get("to"), out var to)) throw new UsageException("--to must be an address (0x + 40 hex)");
        Wei amount;
        if (args.Get("wei") is { } w) { if (!Wei.TryParse(w, out amount)) throw new UsageException($"--wei '{w}' is not an amount of wei"); }
        else if (!Wei.TryParseOpen(args.Get("amount"), out amount)) throw new UsageException("--amount must be an amount of OPEN such as 12.5 (or give --wei)");

        using var host = await NodeClient.ConnectAsync(settings);
        var grains = host.Services.GetRequiredService<IClusterClient>();
        var chain = await grains.GetGrain<IChainGrain>(0).GetInfoAsync();
        var account = await grains.GetGrain<IAccountGrain>(key.Address.ToString().ToLowerInvariant()).GetAsync();
        var nonce = args.Get("nonce") is { } n ? ulong.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : account.NextNonce;
        var gasPrice = args.Get("gas-price") is { } gp ? Wei.Parse(gp) : chain.GasPriceFloor;
        var signed = new Transaction(chain.ChainId, key.Address, nonce, gasPrice, new Transfer(to, amount)).Sign(key);
        var result = (await grains.GetGrain<ITransactionGatewayGrain>(0).SubmitAsync([signed.Encode()]))[0];
        if (!result.Accepted)
        {
            Console.WriteLine($"rejected: {result.ErrorCode}: {result.Message}");
            return 1;
        }
        Console.WriteLine($"submitted {result.Hash} ({amount.ToOpenString()} OPEN {key.Address} -> {to}, nonce {nonce})");
        if (args.Has("no-wait")) return 0;
        var view = await grains.GetGrain<ITransactionGrain>(result.Hash!.Value.ToString()).WaitForCommitAsync(TimeSpan.FromSeconds(30));
        if (view.Status != TxStatus.Committed)
        {
            Console.WriteLine($"not committed after 30 s (status {view.Status})");
            return 1;
        }
        Console.WriteLine($"committed in block {view.BlockHeight} at index {view.Index}: {(view.Succeeded == true ? "success" : "failed " + view.ErrorCode)}, fee {view.Fee?.ToOpenString()} OPEN");
        return view.Succeeded == true ? 0 : 1;
    }
}
