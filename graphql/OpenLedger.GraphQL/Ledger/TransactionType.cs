using GraphQL;
using GraphQL.Types;
using OpenLedger.Core.Merkle;
using OpenLedger.Grains.Ledger;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>Where a transaction is in its life.</summary>
public sealed class TransactionStatusType : EnumerationGraphType<TxStatus>
{
    public TransactionStatusType() { Name = "TransactionStatus"; }
}

/// <summary>A transaction: pending in the mempool, or committed with its receipt.</summary>
public sealed class TransactionType : ObjectGraphType<TransactionView>
{
    public TransactionType()
    {
        Name = "Transaction";
        Field<NonNullGraphType<HashGraphType>>("hash").Description("The EIP-712 digest the sender signed.").Resolve(c => c.Source.Hash);
        Field<NonNullGraphType<TransactionStatusType>>("status").Resolve(c => c.Source.Status);
        Field<StringGraphType>("kind").Resolve(c => string.IsNullOrEmpty(c.Source.Kind) ? null : c.Source.Kind);
        Field<AddressGraphType>("from").Resolve(c => c.Source.From);
        Field<AddressGraphType>("to").Resolve(c => c.Source.To);
        Field<WeiAmountGraphType>("amount").Description("Wei.").Resolve(c => c.Source.Amount);
        Field<StringGraphType>("amountOpen").Description("The amount in OPEN, for people.").Resolve(c => c.Source.Amount?.ToOpenString());
        Field<WeiAmountGraphType>("nonce").Resolve(c => c.Source.Nonce);
        Field<LongGraphType>("blockHeight").Resolve(c => c.Source.BlockHeight);
        Field<IntGraphType>("index").Description("Position in the block.").Resolve(c => c.Source.Index);
        Field<BlockType>("block").Resolve(c => c.Source.BlockHeight is { } h ? c.LoadBlock(h) : null);
        Field<ListGraphType<NonNullGraphType<TransactionFieldType>>>("fields")
            .Description("The kind's own fields (recipient and amount, a datanet's name, a model's price, an inference's output, ...), once committed.")
            .ListSize(TransactionFieldType.MaxFields)
            .Resolve(c => c.Source.Fields);
        Field<ReceiptType>("receipt").Resolve(c => c.Source.Status == TxStatus.Committed ? c.Source : null);
        Field<MerkleProofType>("inclusionProof")
            .Description("Proof that this transaction's hash is in its block's transactionsRoot.")
            // Read off the block's tree, built once per block and cached (BlockMerkleTrees): a few hashes per proof.
            .Cost(InclusionProofCost)
            .ResolveAsync(async c => c.Source.BlockHeight is not { } h || c.Source.Index is not { } i ? null
                : await ProveAsync(c, h, i));
    }

    /// <summary>What the cost analyzer charges for <c>inclusionProof</c>: the proof's fields and a tree lookup.</summary>
    public const double InclusionProofCost = 5;

    private static async Task<MerkleProof?> ProveAsync(IResolveFieldContext c, long height, int index)
    {
        var block = await c.LoadBlock(height).GetResultAsync(c.CancellationToken);
        if (block is null || index >= block.TransactionHashes.Count) return null;
        var trees = (c.RequestServices ?? throw new InvalidOperationException("no request services")).GetRequiredService<BlockMerkleTrees>();
        return trees.Get(block.Hash, block.TransactionHashes).Prove(index);
    }
}

/// <summary>The outcome of a committed transaction.</summary>
public sealed class ReceiptType : ObjectGraphType<TransactionView>
{
    public ReceiptType()
    {
        Name = "Receipt";
        Field<NonNullGraphType<BooleanGraphType>>("succeeded").Resolve(c => c.Source.Succeeded == true);
        Field<StringGraphType>("errorCode").Description("Why the kind's rule failed (the fee was still paid).").Resolve(c => c.Source.ErrorCode);
        Field<NonNullGraphType<LongGraphType>>("gasUsed").Resolve(c => (long)(c.Source.GasUsed ?? 0));
        Field<NonNullGraphType<WeiAmountGraphType>>("fee").Resolve(c => c.Source.Fee);
        Field<NonNullGraphType<StringGraphType>>("feeOpen").Resolve(c => c.Source.Fee?.ToOpenString());
    }
}

/// <summary>A Merkle inclusion proof: leaf = keccak256(0x00 || item), node = keccak256(0x01 || left || right).</summary>
public sealed class MerkleProofType : ObjectGraphType<MerkleProof>
{
    public MerkleProofType()
    {
        Name = "MerkleProof";
        Field<NonNullGraphType<HashGraphType>>("item").Resolve(c => c.Source.Item);
        Field<NonNullGraphType<IntGraphType>>("index").Resolve(c => c.Source.Index);
        Field<NonNullGraphType<IntGraphType>>("count").Resolve(c => c.Source.Count);
        Field<NonNullGraphType<HashGraphType>>("root").Resolve(c => c.Source.ComputeRoot());
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MerkleStepType>>>>("steps").ListSize(32).Resolve(c => c.Source.Steps);
    }
}

/// <summary>One proof step: the sibling and its side.</summary>
public sealed class MerkleStepType : ObjectGraphType<MerkleStep>
{
    public MerkleStepType()
    {
        Name = "MerkleStep";
        Field<NonNullGraphType<HashGraphType>>("sibling").Resolve(c => c.Source.Sibling);
        Field<NonNullGraphType<BooleanGraphType>>("siblingOnLeft").Resolve(c => c.Source.SiblingOnLeft);
    }
}
