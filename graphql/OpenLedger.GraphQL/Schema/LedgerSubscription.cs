using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Feeds;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Schema;

/// <summary>Live views over the gateway's block feed: every committed block, one transaction until it commits,
/// and an account's committed activity.</summary>
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
                var grain = c.Grains().GetGrain<ITransactionGrain>(hash.ToString());
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
    }

    private static BlockFeed Feed(IResolveFieldContext c) =>
        (c.RequestServices ?? throw new InvalidOperationException("no request services")).GetRequiredService<BlockFeed>();
}
