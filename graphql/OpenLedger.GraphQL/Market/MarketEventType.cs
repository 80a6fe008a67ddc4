using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>A committed marketplace event (from the ledger's event index, or live from the "market" streams).
/// (height, sequence) identifies it.</summary>
public sealed class MarketEventType : ObjectGraphType<MarketEventMessage>
{
    public MarketEventType()
    {
        Name = "MarketEvent";
        Description = "Something a committed block did to the marketplace. (height, sequence) identifies it.";
        Field<NonNullGraphType<LongGraphType>>("height").Description("The block that committed it.").Resolve(c => c.Source.Height);
        Field<NonNullGraphType<IntGraphType>>("sequence").Description("Its position among the block's events.").Resolve(c => c.Source.Sequence);
        Field<NonNullGraphType<IntGraphType>>("txIndex").Description("The causing transaction's index in the block; -1 for block-level events (expiries).").Resolve(c => c.Source.TxIndex);
        Field<NonNullGraphType<MarketEventKindType>>("kind").Resolve(c => KindOf(c.Source));
        Field<NonNullGraphType<HashGraphType>>("subject").Description("The id of the object it is about.").Resolve(c => Hash(c.Source.Subject));
        Field<AddressGraphType>("party").Description("The account it concerns: contributor, payee, caller...").Resolve(c => Addr(c.Source.Party));
        Field<WeiAmountGraphType>("amount").Description("Wei moved, if any.").Resolve(c => Amount(c.Source.Amount));
        Field<StringGraphType>("amountOpen").Resolve(c => Amount(c.Source.Amount)?.ToOpenString());
        Field<HashGraphType>("datanet").Resolve(c => Hash(c.Source.Datanet));
        Field<HashGraphType>("model").Resolve(c => Hash(c.Source.Model));
        Field<HashGraphType>("contribution").Resolve(c => Hash(c.Source.Contribution));
        Field<HashGraphType>("inference").Resolve(c => Hash(c.Source.Inference));
        Field<StringGraphType>("detail").Description("A reason, a version number, a reward's role (contributor, owner, protocol)...").Resolve(c => c.Source.Detail);
        Field<HashGraphType>("txHash").Description("The causing transaction; null for block-level events.").Resolve(c => Hash(c.Source.TxHash));
        Field<NonNullGraphType<DateTimeGraphType>>("timestamp").Description("The block's timestamp (UTC).")
            .Resolve(c => DateTimeOffset.FromUnixTimeMilliseconds(c.Source.TimestampMs).UtcDateTime);
    }

    public static MarketEventKind KindOf(MarketEventMessage e) =>
        Enum.TryParse<MarketEventKind>(e.Kind, ignoreCase: false, out var k) ? k
            : throw new InvalidOperationException($"unknown market event kind '{e.Kind}'");

    private static Hash32? Hash(string? hex) => string.IsNullOrEmpty(hex) ? null : Hash32.Parse(hex);

    private static Address? Addr(string? hex) => string.IsNullOrEmpty(hex) ? null : Address.Parse(hex);

    private static Wei? Amount(string? wei) => string.IsNullOrEmpty(wei) ? null : Wei.Parse(wei);
}
