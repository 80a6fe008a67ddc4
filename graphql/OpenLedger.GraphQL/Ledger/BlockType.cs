using GraphQL.Types;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>A committed block.</summary>
public sealed class BlockType : ObjectGraphType<BlockView>
{
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
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<HashGraphType>>>>("transactionHashes").Resolve(c => c.Source.TransactionHashes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TransactionType>>>>("transactions")
            .Description("The block's transactions with receipts, in order.")
            .ResolveAsync(async c => await c.Grains().GetGrain<IBlockGrain>(c.Source.Height).GetTransactionsAsync());
    }
}
