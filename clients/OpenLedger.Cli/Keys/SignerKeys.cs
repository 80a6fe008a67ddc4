using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Cli.Keys;

/// <summary>
/// The key a CLI verb signs with (it never leaves this process), from exactly one of: <c>--key-file FILE</c> (mode 0600),
/// the environment variable <c>OPENLEDGER_KEY</c>, <c>--key HEX</c> (with a warning: command lines are visible to other
/// local users), or on a dev chain <c>--dev N</c> (dev account N of the genesis) and <c>--operator serving|attribution</c>
/// (the dev chain's operator keys, derived from its seed like the producer's).
/// </summary>
public static class SignerKeys
{
    public const string EnvironmentVariable = "OPENLEDGER_KEY";
    private static readonly string[] Sources = ["key-file", "key", "dev", "operator"];

    public static SigningKey Resolve(Args args, GenesisFile genesisFile, TextWriter warnings)
    {
        var given = Sources.Where(args.Has).ToList();
        if (given.Count > 1) throw new UsageException($"give one signing key, not {string.Join(" and ", given.Select(g => "--" + g))}");
        switch (given.FirstOrDefault())
        {
            case "key-file":
                try { return new SigningKey(KeyFile.Load(args.FullPath("key-file")!), KeySource.Given); }
                catch (CredentialFileException e) { throw new UsageException($"--key-file: {e.Message}"); }
            case "key":
                var key = KeyFile.Parse(args.Value("key")) ?? throw new UsageException("--key must be a 32-byte private key in 0x-hex");
                KeyOnCommandLine.Warn(warnings, "key", $"--key-file FILE (mode 0600) or {EnvironmentVariable}");
                return new SigningKey(key, KeySource.Given);
            case "dev":
                return DevAccount(args, genesisFile);
            case "operator":
                return DevOperator(args, genesisFile);
        }
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
            return new SigningKey(KeyFile.Parse(fromEnvironment) ?? throw new UsageException($"{EnvironmentVariable} does not hold a private key (0x + 64 hex)"), KeySource.Given);
        throw new UsageException($"give the sender's key: --key-file FILE, {EnvironmentVariable}, or on a dev chain --dev N or --operator serving|attribution");
    }

    /// <summary>Refuses to sign for the connected node's chain with a key derived from a public seed (or given, but one of
    /// the published dev keys) unless that chain is a dev chain, and the one the key was derived for (the local genesis
    /// file may not be the node's).</summary>
    public static void RequireAcceptedBy(SigningKey key, OpenLedger.Client.ChainSummary chain)
    {
        if (!key.IsDerived)
        {
            if (!chain.Dev && WellKnownDevKeys.Contains(key.Key))
                throw new UsageException($"the key is a published dev key (derived from the dev seed), refused on chain '{chain.Name}', which is not a dev chain: anyone can sign with it");
            return;
        }
        if (!chain.Dev)
            throw new UsageException($"the node's chain '{chain.Name}' (chain id {chain.ChainId}) is not a dev chain: keys derived from a public seed " +
                                     "(--dev N, --operator) are refused there. Give --key-file FILE");
        if (key.DerivedForChain != chain.ChainId)
            throw new UsageException($"the key was derived from a genesis for chain id {key.DerivedForChain}, but the node runs chain id {chain.ChainId}; give --genesis with the node's genesis file");
    }

    private static SigningKey DevAccount(Args args, GenesisFile genesisFile)
    {
        var idx = args.Value("dev")!;
        var (genesis, _) = DevGenesis(genesisFile, "--dev");
        var dev = genesis.DevAccounts ?? throw new UsageException($"--dev needs a genesis with dev accounts; {genesisFile.Path} has none");
        if (!int.TryParse(idx, NumberStyles.None, CultureInfo.InvariantCulture, out var i) || i >= dev.Count) throw new UsageException($"--dev must be 0..{dev.Count - 1}");
        return new SigningKey(DevChain.Account(dev.Seed, i), KeySource.DevAccount, genesis.ChainId);
    }

    private static SigningKey DevOperator(Args args, GenesisFile genesisFile)
    {
        var role = args.Value("operator");
        var label = role switch
        {
            "serving" => DevChain.ServingOperatorLabel,
            "attribution" => DevChain.AttributionOperatorLabel,
            _ => throw new UsageException("--operator must be serving or attribution"),
        };
        var (genesis, rules) = DevGenesis(genesisFile, "--operator");
        var dev = genesis.DevAccounts ?? throw new UsageException("--operator needs a genesis with dev accounts (its operator keys derive from the dev seed); give --key-file otherwise");
        var key = PrivateKey.Derive(dev.Seed, label);
        if (!(role == "serving" ? rules.Market.IsServingOperator(key.Address) : rules.Market.IsAttributionOperator(key.Address)))
            throw new UsageException($"the dev {role} operator key ({key.Address}) is not a {role} operator of this genesis; give --key-file");
        return new SigningKey(key, KeySource.DevOperator, genesis.ChainId);
    }

    /// <summary>The genesis keys are derived from, which must say it is a dev chain.</summary>
    private static (GenesisConfig Genesis, ChainRules Rules) DevGenesis(GenesisFile genesisFile, string option)
    {
        var (genesis, rules) = genesisFile.LoadChain();
        if (!genesis.Dev)
            throw new UsageException($"{option} signs with a key derived from a public seed, which only a dev chain accepts; " +
                                     $"{genesisFile.Path} is not a dev genesis (\"dev\": true). Give --key-file FILE");
        return (genesis, rules);
    }
}
