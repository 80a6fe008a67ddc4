using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Feeds;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.ModelFactory;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Schema;

/// <summary>Live views over the gateway's block feed: every committed block, one transaction until it commits, an
/// account's committed activity and one paid inference until it closes; and over the "market" Orleans streams (one
/// subscription per stream per process, shared by every GraphQL subscriber): a datanet's activity, an account's
/// rewards and (<see cref="MlFields"/>) a training job's progress.</summary>
public sealed class LedgerSubscription : ObjectGraphType
{
    public LedgerSubscription()
    {
        Name = "Subscription";

        Field<NonNullGraphType<BlockType>, BlockView>("blocks")
            .Description("Each committed block, as it commits.")
            .ResolveStream(c => Feed(c).Blocks.SelectMany<CommittedBlock, BlockView>(b => ([b.Block], false)));

        Field<NonNullGraphType<TransactionType>, TransactionView>("transaction")
            .Description("The transaction's status now (PENDING or UNKNOWN), then once more when it commits; then the stream completes.")
            .Argument<NonNullGraphType<HashGraphType>>("hash")
            .ResolveStream(c =>
            {
                var hash = c.GetArgument<Hash32>("hash");
                var grain = c.Grains().GetGrain<ITransactionGrain>(GrainKeys.Of(hash));
                return new TransactionWatch(Feed(c), () => grain.GetAsync(), hash);
            });

        Field<NonNullGraphType<TransactionType>, TransactionView>("accountActivity")
            .Description("Each committed transaction the account sent or received.")
            .Argument<NonNullGraphType<AddressGraphType>>("address")
            .ResolveStream(c =>
            {
                var address = c.GetArgument<Address>("address");
                return Feed(c).Blocks.SelectMany<CommittedBlock, TransactionView>(b =>
                    (b.Transactions.Where(t => t.From == address || t.To == address).ToList(), false));
            });

        AddMarketplace();
        AddInference();
        this.AddMlSubscriptions();
    }

    private const string FromHeightDescription =
        "Replay the committed events from this block height (at most 1,000; REPLAY_TOO_LONG beyond), then continue live " +
        "with no gap and no repeat. Without it, only events committed after the subscription is active.";

    private void AddMarketplace()
    {
        Field<NonNullGraphType<MarketEventType>, MarketEventMessage>("datanetActivity")
            .Description("Each committed event of a datanet as it commits: contributions added, approved, rejected, versions published, updates.")
            .Argument<NonNullGraphType<HashGraphType>>("id")
            .Argument<LongGraphType>("fromHeight", FromHeightDescription)
            .ResolveStreamAsync(async c =>
            {
                var id = c.GetArgument<Hash32>("id");
                var replay = MarketEventReplay.From(c.MarketQuery(), new MarketEventQuery(Datanet: id), c.GetArgument<long?>("fromHeight"));
                return await MarketEventFeed.OpenAsync(Subscriptions(c), MarketStreams.DatanetStream(GrainKeys.Of(id)), _ => true,
                    c.CancellationToken, replay);
            });

        Field<NonNullGraphType<MarketEventType>, MarketEventMessage>("rewards")
            .Description("Each reward credited to the account as its settlement commits (RewardCredited); with all: true, every committed " +
                         "marketplace event concerning the account.")
            .Argument<NonNullGraphType<AddressGraphType>>("address")
            .Argument<BooleanGraphType>("all", a => a.DefaultValue = false)
            .Argument<LongGraphType>("fromHeight", FromHeightDescription)
            .ResolveStreamAsync(async c =>
            {
                var all = c.GetArgument<bool>("all");
                var address = c.GetArgument<Address>("address");
                var replay = MarketEventReplay.From(c.MarketQuery(),
                    new MarketEventQuery(Party: address, Kinds: all ? null : [MarketEventKind.RewardCredited]), c.GetArgument<long?>("fromHeight"));
                return await MarketEventFeed.OpenAsync(Subscriptions(c), MarketStreams.RewardsStream(GrainKeys.Of(address)),
                    e => all || e.Kind == MarketEventKinds.RewardCredited, c.CancellationToken, replay);
            });
    }

    private void AddInference()
    {
        Field<NonNullGraphType<InferenceType>, OpenLedger.Core.Market.InferenceRequest>("inference")
            .Description("A paid inference now, then at each committed change (its result posted with outputText, settled, expired); " +
                         "completes once it is settled or expired.")
            .Argument<NonNullGraphType<HashGraphType>>("id")
            .ResolveStream(c => new InferenceWatch(Feed(c), c.Grains().GetGrain<IInferenceGrain>(GrainKeys.Of(c.GetArgument<Hash32>("id")))));
    }

    private static MarketEventSubscriptions Subscriptions(IResolveFieldContext c) =>
        (c.RequestServices ?? throw new InvalidOperationException("no request services")).GetRequiredService<MarketEventSubscriptions>();

    private static BlockFeed Feed(IResolveFieldContext c) =>
        (c.RequestServices ?? throw new InvalidOperationException("no request services")).GetRequiredService<BlockFeed>();
}
