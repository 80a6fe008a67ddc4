using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Keys;

namespace OpenLedger.Cli.Marketplace;

/// <summary>The signer of a verb and how it sends: key, optional gas price and nonce, and whether to wait for the block.</summary>
public sealed record Signer(SigningKey Signing, Wei? GasPrice, ulong? Nonce, bool NoWait, TimeSpan Wait)
{
    public PrivateKey Key => Signing.Key;

    public static Signer From(Args args) =>
        new(SignerKeys.Resolve(args, GenesisFile.From(args), Console.Error), Options.OptionalWei(args, "gas-price"), Options.OptionalULong(args, "nonce"),
            args.Has("no-wait"), Options.OptionalSeconds(args, "timeout") ?? SendOptions.DefaultTimeout);
}
