using GraphQL.Types;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>What <c>uploadContent</c> returns: the three values a Contribute transaction names.</summary>
public sealed class UploadedContentType : ObjectGraphType<ContentDescriptor>
{
    public UploadedContentType()
    {
        Name = "UploadedContent";
        Description = "Content now in the node's store: put hash, normalizedHash and size in a Contribute intent.";
        Field<NonNullGraphType<HashGraphType>>("hash").Description("keccak256 of the bytes (Contribute.content).").Resolve(c => c.Source.Hash);
        Field<NonNullGraphType<HashGraphType>>("normalizedHash").Description("keccak256 of the normalized text (Contribute.normalizedContent).").Resolve(c => c.Source.NormalizedHash);
        Field<NonNullGraphType<LongGraphType>>("size").Description("Bytes (Contribute.size).").Resolve(c => c.Source.Size);
    }
}
