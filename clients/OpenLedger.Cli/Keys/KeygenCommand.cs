using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Cli.Keys;

/// <summary>`openledger keygen` and `openledger dev-keys`.</summary>
public static class KeygenCommand
{
    /// <summary>`keygen --out FILE [--show-private-key]`: a new key in a file only its owner can read (mode 0600); prints
    /// its address, and the private key only when asked (a terminal's scrollback and logs keep what is printed).</summary>
    public static int Execute(Args args, TextWriter output)
    {
        var path = args.FullPath("out") ?? throw new UsageException("--out FILE is required: the key file to write (mode 0600); keygen never overwrites one");
        var key = PrivateKey.Generate();
        try { KeyFile.Create(path, key); }
        catch (CredentialFileException e) { throw new UsageException(e.Message); }
        output.WriteLine($"address     {key.Address}");
        output.WriteLine($"key file    {path} (mode 0600; sign with --key-file {path})");
        if (args.Has("show-private-key")) output.WriteLine($"private key {key.ToHex()}");
        return 0;
    }

    /// <summary>`dev-keys`: the dev accounts of a dev genesis and their keys, which anyone can derive from its public seed,
    /// then the producer's, the serving and attribution operators' and the treasury's keys derived from it.</summary>
    public static int ExecuteDevKeys(Args args, TextWriter output)
    {
        var genesis = GenesisFile.From(args).Load();
        if (!genesis.Dev || genesis.DevAccounts is not { } dev) throw new UsageException("this genesis is not a dev genesis with dev accounts");
        int i = 0;
        foreach (var key in dev.Keys()) output.WriteLine($"[{i++}] {key.Address} {key.ToHex()}");
        // The role keys derived from the same seed, and whether this genesis gives each its role (a dev genesis may
        // name other operators or another treasury).
        var market = genesis.Marketplace;
        foreach (var label in DevChain.RoleLabels)
        {
            var key = PrivateKey.Derive(dev.Seed, label);
            var named = label switch
            {
                DevChain.ServingOperatorLabel => market.ServingOperators.Contains(key.Address.ToString(), StringComparer.OrdinalIgnoreCase),
                DevChain.AttributionOperatorLabel => market.AttributionOperators.Contains(key.Address.ToString(), StringComparer.OrdinalIgnoreCase),
                DevChain.TreasuryLabel => string.Equals(market.Treasury, key.Address.ToString(), StringComparison.OrdinalIgnoreCase),
                _ => true,
            };
            output.WriteLine($"{label} {key.Address} {key.ToHex()}{(named ? "" : " (not named by this genesis)")}");
        }
        return 0;
    }
}
