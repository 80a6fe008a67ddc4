using GraphQL;
using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Attribution;
using OpenLedger.GraphQL.Curation;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Market;

/// <summary>A contribution to a datanet: its content by hash, what it paid and staked, and its curation.</summary>
public sealed class ContributionType : ObjectGraphType<Contribution>
{
    public ContributionType()
    {
        Name = "Contribution";
        Description = "Content added to a datanet. Its id is the hash of the Contribute transaction.";
        Field<NonNullGraphType<HashGraphType>>("id").Resolve(c => c.Source.Id);
        Field<DatanetType>("datanet").Resolve(c => c.Load<Datanet>(c.Source.Datanet));
        Field<NonNullGraphType<HashGraphType>>("datanetId").Resolve(c => c.Source.Datanet);
        Field<NonNullGraphType<AddressGraphType>>("contributor").Resolve(c => c.Source.Contributor);
        Field<NonNullGraphType<HashGraphType>>("content").Description("keccak256 of the content's bytes (read it with Query.content).").Resolve(c => c.Source.Content);
        Field<NonNullGraphType<HashGraphType>>("normalizedContent").Description("keccak256 of the normalized text: equal values in one datanet are duplicates.").Resolve(c => c.Source.NormalizedContent);
        Field<ContentType>("contentData").Description("The stored content, if this node has it.")
            .ResolveAsync(async c => await ContentType.LoadAsync(c, c.Source.Content));
        Field<StringGraphType>("text").Description("The content as text, if this node stores it and it is valid UTF-8.")
            .Cost(ContentType.TextCost)
            .ResolveAsync(async c => await ContentType.TextAsync(c, c.Source.Content));
        Field<NonNullGraphType<LongGraphType>>("size").Description("Bytes.").Resolve(c => (long)c.Source.Size);
        Field<NonNullGraphType<WeiAmountGraphType>>("fee").Description("Wei paid to the datanet's owner.").Resolve(c => c.Source.Fee);
        Field<NonNullGraphType<WeiAmountGraphType>>("stake").Description("Wei locked until curation: returned on approval or at the curation deadline, forfeited on rejection.").Resolve(c => c.Source.Stake);
        Field<NonNullGraphType<ContributionStatusType>>("status").Resolve(c => c.Source.Status);
        Field<IntGraphType>("approvalIndex").Description("Its position in the datanet's approved list (what versions freeze); null unless approved (an excluded contribution keeps it).")
            .Resolve(c => c.Source.ApprovalIndex >= 0 ? c.Source.ApprovalIndex : null);
        Field<AddressGraphType>("curator").Resolve(c => Curated(c.Source) ? c.Source.Curator : null);
        Field<StringGraphType>("reason").Resolve(c => Curated(c.Source) ? c.Source.Reason : null);
        Field<NonNullGraphType<LongGraphType>>("createdHeight").Resolve(c => c.Source.CreatedHeight);
        Field<LongGraphType>("curatedHeight").Description("The block that approved or rejected it, or that returned its stake when it expired; null while pending.")
            .Resolve(c => c.Source.Status == ContributionStatus.Pending ? null : c.Source.CuratedHeight);
        Field<NonNullGraphType<LongGraphType>>("deadlineHeight")
            .Description("The last block in which it can be curated; still pending after it, it expires at the start of the next block and its stake returns to the contributor.")
            .Resolve(c => c.Source.DeadlineHeight);
        Field<DateTimeGraphType>("expiresAt").Description("While pending: when it expires if not curated (its stake then returns). " + DeadlineEstimate.Description)
            .ResolveAsync(async c => c.Source.Status == ContributionStatus.Pending ? await DeadlineEstimate.ExpiresAtAsync(c, c.Source.DeadlineHeight) : null);

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<NearDuplicateType>>>>("nearDuplicates")
            .Description("Other contributions of its datanet with similar content (estimated Jaccard similarity >= 0.8), most similar first.")
            .ResolveAsync(async c => await c.Grains().GetGrain<IDatanetGrain>(GrainKeys.Of(c.Source.Datanet)).GetNearDuplicatesAsync(c.Source.Id));

        this.AddFlags();

        Field<VersionProofType>("proof")
            .Description("The Merkle proof that its content is in version n of its datanet (default: the latest); null if it is not in it.")
            .Cost(10)
            .Argument<IntGraphType>("version")
            .ResolveAsync(async c =>
            {
                var number = c.GetArgument<int?>("version") ?? 0;
                if (number < 0) throw new InvalidInputError("BAD_ARGUMENTS", "version is a version number from 1 (or omit it for the latest)");
                return await c.Grains().GetGrain<IDatanetGrain>(GrainKeys.Of(c.Source.Datanet)).GetProofAsync(c.Source.Id, (uint)number);
            });
        this.AddInfluence();
    }

    private static bool Curated(Contribution c) => c.Status is ContributionStatus.Approved or ContributionStatus.Rejected or ContributionStatus.Excluded;
}
