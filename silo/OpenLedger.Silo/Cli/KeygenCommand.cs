using OpenLedger.Core.Crypto;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Silo.Cli;

/// <summary>`openledger keygen` and `openledger dev-keys`.</summary>
public static class KeygenCommand
{
    public static int Execute(Args args)
    {
        var key = PrivateKey.Generate();
        Console.WriteLine($"address     {key.Address}");
        Console.WriteLine($"private key {key.ToHex()}");
        return 0;
    }

    public static int ExecuteDevKeys(Args args)
    {
        var genesis = NodeSettings.From(args).LoadGenesis();
        if (genesis.DevAccounts is not { } dev) throw new UsageException("this genesis has no dev accounts");
        int i = 0;
        foreach (var key in dev.Keys()) Console.WriteLine($"[{i++}] {key.Address} {key.ToHex()}");
        Console.WriteLine($"producer {PrivateKey.Derive(dev.Seed, "producer").Address} {PrivateKey.Derive(dev.Seed, "producer").ToHex()}");
        return 0;
    }
}
