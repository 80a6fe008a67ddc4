using GraphQL.Types;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>A dev chain's dev accounts as its genesis derives them.</summary>
public sealed record DevAccountsView(string Seed, int Count);

/// <summary>What a browser needs to derive a dev chain's funded keys itself, labelled as public.</summary>
public sealed class DevAccountsType : ObjectGraphType<DevAccountsView>
{
    public const string Derivation = "privateKey(i) = keccak256(utf8(seed + \"/\" + i)), i = 0..count-1";

    public DevAccountsType()
    {
        Name = "DevAccounts";
        Description = "Keys derived from a public seed, funded by a dev chain's genesis: anyone can derive them, so they are for development only.";
        Field<NonNullGraphType<StringGraphType>>("seed").Description("The public seed.").Resolve(c => c.Source.Seed);
        Field<NonNullGraphType<IntGraphType>>("count").Description("How many accounts the genesis funds (indexes 0..count-1).").Resolve(c => c.Source.Count);
        Field<NonNullGraphType<StringGraphType>>("derivation").Description("How a key derives from the seed: " + Derivation + ".").Resolve(_ => Derivation);
    }
}
