using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Attribution;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Market;

/// <summary>A paid inference: escrow, the fee split it was requested under, its result and its settlement.</summary>
public sealed class InferenceType : ObjectGraphType<InferenceRequest>
{
    public InferenceType()
    {
        Name = "Inference";
        Description = "A paid inference. Its id is the hash of the RequestInference transaction.";
        Field<NonNullGraphType<HashGraphType>>("id").Resolve(c => c.Source.Id);
        Field<ModelType>("model").Resolve(c => c.Load<Model>(c.Source.Model));
        Field<NonNullGraphType<HashGraphType>>("modelId").Resolve(c => c.Source.Model);
        Field<NonNullGraphType<IntGraphType>>("modelVersion").Description("The model version it was requested on.").Resolve(c => (int)c.Source.ModelVersion);
        Field<NonNullGraphType<AddressGraphType>>("caller").Resolve(c => c.Source.Caller);
        Field<NonNullGraphType<HashGraphType>>("input").Description("Hash of the input.").Resolve(c => c.Source.Input);
        Field<NonNullGraphType<WeiAmountGraphType>>("escrow").Description("Wei held until settlement or expiry.").Resolve(c => c.Source.Escrow);
        Field<NonNullGraphType<IntGraphType>>("ownerBps").Resolve(c => (int)c.Source.OwnerBps);
        Field<NonNullGraphType<IntGraphType>>("contributorsBps").Resolve(c => (int)c.Source.ContributorsBps);
        Field<NonNullGraphType<IntGraphType>>("protocolBps").Resolve(c => (int)c.Source.ProtocolBps);
        Field<NonNullGraphType<InferenceStatusType>>("status").Resolve(c => c.Source.Status);
        Field<HashGraphType>("output").Description("Hash of the output, once served.").Resolve(c => c.Source.Output == Hash32.Zero ? null : c.Source.Output);
        Field<AddressGraphType>("server").Description("The serving operator that posted the result.").Resolve(c => c.Source.Server == Address.Zero ? null : c.Source.Server);
        Field<HashGraphType>("record").Description("Hash of the attribution record, once settled.").Resolve(c => c.Source.Record == Hash32.Zero ? null : c.Source.Record);
        Field<AddressGraphType>("settler").Description("The attribution operator that settled it.").Resolve(c => c.Source.Settler == Address.Zero ? null : c.Source.Settler);
        Field<NonNullGraphType<LongGraphType>>("createdHeight").Resolve(c => c.Source.CreatedHeight);
        Field<NonNullGraphType<LongGraphType>>("deadlineHeight").Description("Unsettled at this height, it expires.").Resolve(c => c.Source.DeadlineHeight);
        Field<DateTimeGraphType>("expiresAt").Description("While open: when it expires if not settled. " + DeadlineEstimate.Description)
            .ResolveAsync(async c => c.Source.IsOpen ? await DeadlineEstimate.ExpiresAtAsync(c, c.Source.DeadlineHeight) : null);
        Field<LongGraphType>("resolvedHeight").Description("When it was settled or expired.").Resolve(c => c.Source.ResolvedHeight == 0 ? null : c.Source.ResolvedHeight);
        Field<StringGraphType>("inputText").Description("The input, from the content store (null if not stored there or not UTF-8).")
            .Cost(ContentType.TextCost)
            .ResolveAsync(async c => await TextOf(c, c.Source.Input));
        Field<StringGraphType>("outputText").Description("The output OpenLoRA produced, from the content store, once served.")
            .Cost(ContentType.TextCost)
            .ResolveAsync(async c => c.Source.Output == Hash32.Zero ? null : await TextOf(c, c.Source.Output));
        Field<ProvenanceType>("provenance").Description("How the output was produced: model version, adapter, base model, training data.")
            .ResolveAsync(async c =>
            {
                var i = c.Source;
                if ((await c.MarketQuery().GetObjectAsync(i.Model))?.Object is not Model m) return null;
                var v = m.Versions.FirstOrDefault(x => x.Number == i.ModelVersion);
                if (v is null) return null;
                return new InferenceProvenance(i.Id, m.Id, v.Number, v.Adapter, v.TrainingRecord, m.BaseModel, v.DatanetVersions, i.Input,
                    i.Output == Hash32.Zero ? null : i.Output, i.Server == Address.Zero ? null : i.Server);
            });
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MarketEventType>>>>("rewards")
            .Description("The RewardCredited events of its settlement (protocol, owner, each contributor), newest first.")
            // One per attributed contribution (at most the codec's cap), plus the owner's and the protocol's.
            .ListSize(Core.Transactions.Fields.FieldLimits.Attributions + 2)
            .ResolveAsync(async c => c.Source.Status != InferenceStatus.Settled ? []
                : await MarketPages.AllEventsAsync(c.MarketQuery(), new MarketEventQuery(Subject: c.Source.Id, Kinds: [MarketEventKind.RewardCredited])));
        this.AddAttribution();
        this.AddAttributionFailure();
    }

    private static Task<string?> TextOf(global::GraphQL.IResolveFieldContext c, Hash32 hash) => ContentType.TextAsync(c, hash);
}
