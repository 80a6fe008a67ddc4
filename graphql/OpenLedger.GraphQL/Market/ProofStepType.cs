using GraphQL.Types;
using OpenLedger.Core.Merkle;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>One step of a version proof: the sibling hash and whether it is on the left.</summary>
public sealed class ProofStepType : ObjectGraphType<MerkleStep>
{
    public ProofStepType()
    {
        Name = "ProofStep";
        Field<NonNullGraphType<HashGraphType>>("hash").Resolve(c => c.Source.Sibling);
        Field<NonNullGraphType<BooleanGraphType>>("left").Description("True: node = keccak256(0x01 || hash || current); false: keccak256(0x01 || current || hash).").Resolve(c => c.Source.SiblingOnLeft);
    }
}
