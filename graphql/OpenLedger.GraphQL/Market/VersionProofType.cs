using GraphQL.Types;
using OpenLedger.Core.Merkle;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Market;

/// <summary>The proof that a contribution's content hash is leaf <c>index</c> of a datanet version's Merkle tree:
/// leaf = keccak256(0x00 || content), node = keccak256(0x01 || left || right), siblings from the leaf up.</summary>
public sealed class VersionProofType : ObjectGraphType<VersionProof>
{
    public VersionProofType()
    {
        Name = "VersionProof";
        Description = "A Merkle proof that a contribution's content is in a datanet version: leaf = keccak256(0x00 || content), node = keccak256(0x01 || left || right).";
        Field<NonNullGraphType<HashGraphType>>("version").Description("The version's id.").Resolve(c => c.Source.Version);
        Field<NonNullGraphType<IntGraphType>>("number").Resolve(c => (int)c.Source.Number);
        Field<NonNullGraphType<HashGraphType>>("root").Description("The version's root, as committed on chain.").Resolve(c => c.Source.Root);
        Field<NonNullGraphType<HashGraphType>>("contribution").Resolve(c => c.Source.Contribution);
        Field<NonNullGraphType<HashGraphType>>("content").Description("The leaf item: the contribution's content hash.").Resolve(c => c.Source.Content);
        Field<NonNullGraphType<IntGraphType>>("index").Description("The leaf's position (the contribution's approval index).").Resolve(c => c.Source.Index);
        Field<NonNullGraphType<IntGraphType>>("count").Description("Leaves in the version.").Resolve(c => c.Source.Count);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ProofStepType>>>>("siblings")
            .Description("From the leaf up; an odd node at the end of a level is promoted without a step.")
            .ListSize(32)
            .Resolve(c => c.Source.Siblings.Select((h, i) => new MerkleStep(h, c.Source.SiblingOnLeft[i])).ToList());
        Field<NonNullGraphType<BooleanGraphType>>("valid").Description("Whether the siblings lead from the content to the root (checked by this node).")
            .Resolve(c => new MerkleProof(c.Source.Content, c.Source.Index, c.Source.Count,
                c.Source.Siblings.Select((h, i) => new MerkleStep(h, c.Source.SiblingOnLeft[i])).ToList()).Verify(c.Source.Root));
    }
}
