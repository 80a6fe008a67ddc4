using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>Another contribution whose content is close to this one's.</summary>
public sealed class NearDuplicateType : ObjectGraphType<NearDuplicate>
{
    public NearDuplicateType()
    {
        Name = "NearDuplicate";
        Field<ContributionType>("contribution").Resolve(c => c.Load<Contribution>(c.Source.Contribution));
        Field<NonNullGraphType<HashGraphType>>("contributionId").Resolve(c => c.Source.Contribution);
        Field<NonNullGraphType<FloatGraphType>>("similarity").Description("MinHash estimate of the Jaccard similarity of their shingles, 0 to 1.").Resolve(c => c.Source.Similarity);
    }
}
