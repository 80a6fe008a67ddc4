using GraphQL.Types;
using GraphQL.Types.Relay;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>A committed block.</summary>
public sealed class BlockType : ObjectGraphType<BlockView>
{
    /// <summary>What the cost analyzer charges for <c>transactionHashes</c>: about 1 per KiB of a full block's hashes
    /// (the default genesis allows 20,000 transactions, 66 characters each).</summary>
    public const double TransactionHashesCost = 1_300;

    public BlockType()
    {
        Name = "Block";
        Field<NonNullGraphType<LongGraphType>>("height").Resolve(c => c.Source.Height);
        Field<NonNullGraphType<HashGraphType>>("hash").Resolve(c => c.Source.Hash);
        Field<NonNullGraphType<HashGraphType>>("parentHash").Resolve(c => c.Source.ParentHash);
        Field<NonNullGraphType<DateTimeGraphType>>("timestamp").Description("When the producer sealed it (UTC).")
            .Resolve(c => DateTimeOffset.FromUnixTimeMilliseconds(c.Source.TimestampMs).UtcDateTime);
        Field<NonNullGraphType<HashGraphType>>("transactionsRoot").Resolve(c => c.Source.TxRoot);
        Field<NonNullGraphType<HashGraphType>>("receiptsRoot").Resolve(c => c.Source.ReceiptsRoot);
        Field<NonNullGraphType<HashGraphType>>("stateRoot").Description("Commitment to every account after this block.").Resolve(c => c.Source.StateRoot);
        Field<NonNullGraphType<AddressGraphType>>("producer").Resolve(c => c.Source.Producer);
        Field<NonNullGraphType<BytesGraphType>>("producerSignature").Resolve(c => c.Source.ProducerSignature);
        Field<NonNullGraphType<LongGraphType>>("gasUsed").Resolve(c => (long)c.Source.GasUsed);
        Field<NonNullGraphType<IntGraphType>>("transactionCount").Resolve(c => c.Source.TransactionHashes.Count);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<HashGraphType>>>>("transactionHashes")
            .Description("All its transactions' hashes, in order (a block may hold thousands: page through transactions instead).")
            .Cost(TransactionHashesCost)
            .Resolve(c => c.Source.TransactionHashes);
        // A page, not a list: Transaction.block leads back here, so each level of transactions { block { transactions } }
        // multiplies by the page size the client asked for, and the cost analyzer sees it.
        Connection<TransactionType, EdgeType<TransactionType>, NodesConnectionType<TransactionType, TransactionView>>("transactions")
            .Description("The block's transactions with receipts, in block order.")
            .PageSize(BlockTransactions.DefaultPageSize)
            .ResolveAsync(async c => await BlockTransactions.PageAsync(c));
    }
}
