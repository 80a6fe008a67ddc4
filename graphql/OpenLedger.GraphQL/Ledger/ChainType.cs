using GraphQL.Types;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Books;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>The chain's identity and rules, and its head block.</summary>
public sealed class ChainType : ObjectGraphType<ChainInfo>
{
    public ChainType()
    {
        Name = "Chain";
        Field<NonNullGraphType<LongGraphType>>("chainId").Resolve(c => (long)c.Source.ChainId);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<HashGraphType>>("genesisHash").Resolve(c => c.Source.GenesisHash);
        Field<NonNullGraphType<AddressGraphType>>("producer").Resolve(c => c.Source.Producer);
        Field<NonNullGraphType<WeiAmountGraphType>>("gasPriceFloor").Resolve(c => c.Source.GasPriceFloor);
        Field<NonNullGraphType<IntGraphType>>("blockIntervalMs").Resolve(c => c.Source.BlockIntervalMs);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<GasCostType>>>>("gasSchedule")
            .ListSize(Enum.GetValues<OpenLedger.Core.Transactions.TxKind>().Length)
            .Resolve(c => c.Source.GasSchedule.OrderBy(kv => kv.Key).Select(kv => new GasCost(kv.Key, kv.Value)).ToList());
        Field<NonNullGraphType<BooleanGraphType>>("dev")
            .Description("A dev chain: its genesis may fund keys derived from a public seed, which nobody should use where value is at stake.")
            .Resolve(c => c.Source.Dev);
        Field<DevAccountsType>("devAccounts")
            .Description("A dev chain's dev accounts: the public seed they derive from, for a wallet's dev-account picker. Null on any other chain.")
            .Resolve(c => c.Source is { Dev: true, DevSeed: { } seed } ? new DevAccountsView(seed, c.Source.DevAccountCount) : null);
        Field<NonNullGraphType<LongGraphType>>("maxContributionBytes")
            .Description("The largest content a contribution may have, in bytes (uploadContent refuses more with ContributionTooLarge).")
            .Resolve(c => (long)c.Source.MaxContributionBytes);
        Field<NonNullGraphType<LongGraphType>>("headHeight").Resolve(c => c.Source.HeadHeight);
        Field<BlockType>("head").Resolve(c => c.LoadBlock(c.Source.HeadHeight));
        this.AddSupply();
    }
}

/// <summary>Gas charged for one kind of transaction.</summary>
public sealed record GasCost(string Kind, ulong Gas);

public sealed class GasCostType : ObjectGraphType<GasCost>
{
    public GasCostType()
    {
        Name = "GasCost";
        Field<NonNullGraphType<StringGraphType>>("kind").Resolve(c => c.Source.Kind);
        Field<NonNullGraphType<LongGraphType>>("gas").Resolve(c => (long)c.Source.Gas);
    }
}

/// <summary>Mempool counters.</summary>
public sealed class MempoolStatsType : ObjectGraphType<MempoolStats>
{
    public MempoolStatsType()
    {
        Name = "MempoolStats";
        Field<NonNullGraphType<IntGraphType>>("pending").Resolve(c => c.Source.Pending);
        Field<NonNullGraphType<IntGraphType>>("ready").Description("Executable now (no nonce gap).").Resolve(c => c.Source.Ready);
        Field<NonNullGraphType<IntGraphType>>("inFlight").Description("Taken by the producer for the block being built.").Resolve(c => c.Source.InFlight);
        Field<NonNullGraphType<IntGraphType>>("future").Description("Waiting behind a nonce gap (capped, with a time to live).").Resolve(c => c.Source.Future);
        Field<NonNullGraphType<IntGraphType>>("capacity").Resolve(c => c.Source.Capacity);
        Field<NonNullGraphType<LongGraphType>>("bytes").Description("Encoded bytes held.").Resolve(c => c.Source.Bytes);
        Field<NonNullGraphType<LongGraphType>>("maxBytes").Resolve(c => c.Source.MaxBytes);
        Field<NonNullGraphType<LongGraphType>>("admitted").Resolve(c => c.Source.Admitted);
        Field<NonNullGraphType<LongGraphType>>("rejected").Resolve(c => c.Source.Rejected);
        Field<NonNullGraphType<LongGraphType>>("evicted").Description("Admitted, then evicted (expired, displaced, replaced, excluded).").Resolve(c => c.Source.Evicted);
    }
}
