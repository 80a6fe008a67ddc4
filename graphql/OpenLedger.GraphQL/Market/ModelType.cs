using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Attribution;
using OpenLedger.GraphQL.Books;
using OpenLedger.GraphQL.Charts;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Serving;

namespace OpenLedger.GraphQL.Market;

/// <summary>A registered model: price, fee split, status, versions and the inferences it served.</summary>
public sealed class ModelType : ObjectGraphType<Model>
{
    public ModelType()
    {
        Name = "Model";
        Description = "A model fine-tuned on datanet versions. Its id is the hash of the RegisterModel transaction.";
        Field<NonNullGraphType<HashGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<AddressGraphType>>("owner").Resolve(c => c.Source.Owner);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => c.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("baseModel").Resolve(c => c.Source.BaseModel);
        Field<NonNullGraphType<WeiAmountGraphType>>("price").Description("Wei escrowed per inference.").Resolve(c => c.Source.Price);
        Field<NonNullGraphType<IntGraphType>>("ownerBps").Description("The owner's share of each fee, in basis points.").Resolve(c => (int)c.Source.OwnerBps);
        Field<NonNullGraphType<IntGraphType>>("contributorsBps").Description("The data contributors' share, in basis points.").Resolve(c => (int)c.Source.ContributorsBps);
        Field<NonNullGraphType<IntGraphType>>("protocolBps").Description("The protocol treasury's share, in basis points.").Resolve(c => (int)c.Source.ProtocolBps);
        Field<NonNullGraphType<ModelStatusType>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<IntGraphType>>("version").Description("The current version's number.").Resolve(c => (int)c.Source.Current.Number);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ModelVersionType>>>>("versions").Description("Oldest first.").Resolve(c => c.Source.Versions);
        Field<NonNullGraphType<LongGraphType>>("createdHeight").Resolve(c => c.Source.CreatedHeight);
        Field<NonNullGraphType<LongGraphType>>("inferenceCount").Description("Inferences requested from it (kept in its usage object, apart from the model).")
            .Resolve(c => c.Load<ModelUsage>(ModelUsage.IdOf(c.Source.Id)).Map(u => u?.Inferences ?? 0));

        Connection<InferenceType, EdgeType<InferenceType>, NodesConnectionType<InferenceType, InferenceRequest>>("inferences")
            .Description("Inferences requested from it, newest first; optionally of one status or one caller.")
            .Argument<InferenceStatusType>("status", "Only inferences in this status.")
            .Argument<AddressGraphType>("caller", "Only this account's requests.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.ObjectsAsync<InferenceRequest>(c, new MarketObjectQuery(MarketObjectKind.Inference,
                Parent: c.Source.Id, Party: c.GetArgument<Address?>("caller"), Status: (int?)c.GetArgument<InferenceStatus?>("status"))));

        Connection<MarketEventType, EdgeType<MarketEventType>, NodesConnectionType<MarketEventType, MarketEventMessage>>("activity")
            .Description("Its committed events (registered, updated, inferences requested, served, settled, rewards), newest first.")
            .PageSize(MarketPages.DefaultPageSize)
            .ResolveAsync(async c => await MarketPages.EventsAsync(c, new MarketEventQuery(Model: c.Source.Id)));
        this.AddAttributionIndex();
        this.AddStatement();
        this.AddServed();
        this.AddRevenueSeries();
    }
}
