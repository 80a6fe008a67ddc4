using OpenLedger.Cli.CommandLine;
using OpenLedger.ML.BaseModel;

namespace OpenLedger.Silo.Configuration;

/// <summary>A <c>--base-model</c> value as every verb takes it: a shipped recipe (<c>wordnet-1m</c>), a shipped model's
/// on-chain name (<c>builtin:0x…</c>) or a directory (<see cref="BaseModelCatalog.Resolve"/>); a value that names no base
/// model is a usage error (exit 2) that says what is shipped.</summary>
public static class BaseModelOption
{
    /// <summary>What the help texts say a <c>--base-model</c> value may be.</summary>
    public const string Forms = "a shipped recipe (wordnet-1m, ...; `openledger ml base-models` lists them), a shipped model's " +
                                "on-chain name (builtin:0x<weights keccak>) or a base-model directory";

    /// <summary>The directory <c>--base-model</c> names, or <paramref name="fallback"/> when it is absent.</summary>
    public static string Get(Args args, string fallback) => args.Value("base-model") is { } value ? Resolve(value, "--base-model") : fallback;

    /// <summary>The directory <paramref name="value"/> names; <paramref name="what"/> says where it came from in the error.</summary>
    public static string Resolve(string value, string what)
    {
        try { return BaseModelCatalog.Resolve(value); }
        catch (ArgumentException e) { throw new UsageException($"{what}: {e.Message}"); }
    }
}
