using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>An upload's result, with the datanet it is meant for (if given) so curators' near-duplicate check can run
/// before anyone signs.</summary>
public sealed record UploadedContentView(ContentDescriptor Content, Hash32? Datanet);

/// <summary>What <c>uploadContent</c> returns: the three values a Contribute transaction names.</summary>
public sealed class UploadedContentType : ObjectGraphType<UploadedContentView>
{
    public UploadedContentType()
    {
        Name = "UploadedContent";
        Description = "Content now in the node's store: put hash, normalizedHash and size in a Contribute intent.";
        Field<NonNullGraphType<HashGraphType>>("hash").Description("keccak256 of the bytes (Contribute.content).").Resolve(c => c.Source.Content.Hash);
        Field<NonNullGraphType<HashGraphType>>("normalizedHash").Description("keccak256 of the normalized text (Contribute.normalizedContent).").Resolve(c => c.Source.Content.NormalizedHash);
        Field<NonNullGraphType<LongGraphType>>("size").Description("Bytes (Contribute.size).").Resolve(c => c.Source.Content.Size);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<NearDuplicateType>>>>("nearDuplicates")
            .Description("Contributions of the datanet given to uploadContent whose content is similar (estimated Jaccard >= 0.8); empty without a datanet.")
            .ResolveAsync(async c => c.Source.Datanet is { } d
                ? await c.Grains().GetGrain<IDatanetGrain>(GrainKeys.Of(d)).GetNearDuplicatesOfContentAsync(c.Source.Content.Hash)
                : (IReadOnlyList<NearDuplicate>)[]);
        Field<ContributionCostType>("cost")
            .Description("What contributing it to the datanet given to uploadContent takes from the contributor besides gas; null without a datanet (or an unknown one).")
            .Resolve(c => c.Source.Datanet is { } d
                ? c.Load<Datanet>(d).Map(datanet => datanet is null ? null : ContributionCost.Of(datanet, c.Source.Content.Size))
                : null);
    }
}
