using OpenLedger.Core.Genesis;

namespace OpenLedger.Cli.CommandLine;

/// <summary>The genesis file a command line names: <c>--genesis FILE</c> (or <c>OPENLEDGER_GENESIS</c>), else the
/// built-in dev genesis shipped beside the executable (<c>genesis/dev.json</c>; the node's output has it too). Client
/// verbs read it only to derive dev keys; a node runs its chain from it.</summary>
public sealed record GenesisFile(string Path)
{
    public const string EnvironmentVariable = "OPENLEDGER_GENESIS";

    public static string DefaultPath => System.IO.Path.Combine(AppContext.BaseDirectory, "genesis", "dev.json");

    public static GenesisFile From(Args args) => new(args.PathOrEnvironment("genesis", EnvironmentVariable) ?? DefaultPath);

    /// <summary>The genesis, parsed (not yet checked: <see cref="LoadChain"/> does that).</summary>
    public GenesisConfig Load()
    {
        if (!File.Exists(Path)) throw new UsageException($"genesis file not found: {Path}");
        try
        {
            return GenesisConfig.Parse(File.ReadAllText(Path));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or NotSupportedException)
        {
            throw new UsageException($"{Path} is not a genesis file: {e.Message}");
        }
    }

    /// <summary>The genesis and the rules it sets, checked (a refused genesis is a usage error with the reason).</summary>
    public (GenesisConfig Genesis, ChainRules Rules) LoadChain()
    {
        var genesis = Load();
        try
        {
            return (genesis, genesis.ToRules());
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new UsageException($"{Path}: {e.Message}");
        }
    }
}
