using GraphQL.Types;
using GraphQL.Types.Relay;
using OpenLedger.Core.Market;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Charts;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>An account: committed balance and nonce, the mempool's view, and its committed transactions.</summary>
public sealed class AccountType : ObjectGraphType<AccountView>
{
    public const int MaxPageSize = 100;

    public AccountType()
    {
        Name = "Account";
        Field<NonNullGraphType<AddressGraphType>>("address").Resolve(c => c.Source.Address);
        Field<NonNullGraphType<WeiAmountGraphType>>("balance").Description("Committed balance in wei.").Resolve(c => c.Source.Balance);
        Field<NonNullGraphType<StringGraphType>>("balanceOpen").Description("The balance in OPEN, for people.").Resolve(c => c.Source.Balance.ToOpenString());
        Field<NonNullGraphType<WeiAmountGraphType>>("nonce").Description("The nonce its next committed transaction must carry.").Resolve(c => c.Source.Nonce);
        Field<NonNullGraphType<WeiAmountGraphType>>("nextNonce").Description("The nonce to sign next, counting pending transactions.").Resolve(c => c.Source.NextNonce);
        Field<NonNullGraphType<IntGraphType>>("pendingCount").Resolve(c => c.Source.PendingCount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<HashGraphType>>>>("pendingTransactions")
            .Description("Hashes of its transactions waiting in the mempool (at most 256).").Cost(17).Resolve(c => c.Source.PendingTransactions);
        Connection<TransactionType, EdgeType<TransactionType>, NodesConnectionType<TransactionType, TransactionView>>("transactions")
            .Description("Committed transactions sent or received, newest first.")
            .PageSize(20)
            .ResolveAsync(async c =>
            {
                var first = Math.Clamp(c.First ?? 20, 1, MaxPageSize);
                var after = Cursors.Decode(c.After);
                var grain = c.Grains().GetGrain<IAccountGrain>(GrainKeys.Of(c.Source.Address));
                // The store pages by block; one block may hold several of the account's transactions, so over-fetch
                // the boundary block and cut exactly after the cursor's (height, index).
                var page = await grain.GetTransactionsAsync(first + 1 + 64, after?.Height + 1);
                var rows = page.Where(t => after is null || (t.BlockHeight, t.Index) is var (h, i) && (h < after.Value.Height || h == after.Value.Height && i < after.Value.Index))
                    .Take(first + 1).ToList();
                return Cursors.Page(rows, first, t => new Cursors.Position(t.BlockHeight!.Value, t.Index!.Value));
            });

        Field<NonNullGraphType<RewardSummaryType>>("rewards")
            .Description("Everything settlements credited to it: in total, by role, by datanet and by model.")
            .ResolveAsync(async c => await c.Grains().GetGrain<IRewardAccountGrain>(GrainKeys.Of(c.Source.Address)).GetSummaryAsync());

        Connection<MarketEventType, EdgeType<MarketEventType>, NodesConnectionType<MarketEventType, MarketEventMessage>>("rewardHistory")
            .Description("Its RewardCredited events, newest first.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.EventsAsync(c,
                new MarketEventQuery(Party: c.Source.Address, Kinds: [MarketEventKind.RewardCredited])));
        this.AddRewardSeries();
    }
}
