using OpenLedger.Core.Transactions;
using OpenLedger.Cli.Marketplace;
using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Cli.Chain;

/// <summary>`openledger transfer`: sign a transfer locally (the key never leaves this process), submit it and wait for
/// its block, through the same session as the marketplace verbs (next nonce, sign, submit, wait).</summary>
public static class TransferCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var to = Options.RequiredAddress(args, "to");
        if (args.Has("wei") && args.Has("amount")) throw new UsageException("give --amount OPEN or --wei AMOUNT, not both");
        var amount = Options.OptionalWei(args, "wei") ?? Options.OptionalOpen(args, "amount")
            ?? throw new UsageException("--amount is required: an amount of OPEN such as 12.5 (or give --wei)");
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        output.WriteLine($"transfer {amount.ToOpenString()} OPEN {signer.Key.Address} -> {to}");
        var o = await s.SendAsync(signer, new Transfer(to, amount));
        return o.ExitCode;
    }
}
