using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>Where an inference's output came from, all from chain state: the model version it was requested on, that
/// version's adapter and training record, the base model, the datanet versions it was trained on, and the input and
/// output hashes (both retrievable from the content store).</summary>
public sealed record InferenceProvenance(
    Hash32 Inference, Hash32 Model, uint ModelVersion, Hash32 Adapter, Hash32 TrainingRecord, string BaseModel, Hash32[] DatanetVersions,
    Hash32 Input, Hash32? Output, Address? Server);

public sealed class ProvenanceType : ObjectGraphType<InferenceProvenance>
{
    public ProvenanceType()
    {
        Name = "InferenceProvenance";
        Description = "The chain's account of how an output was produced.";
        Field<NonNullGraphType<HashGraphType>>("inference").Resolve(c => c.Source.Inference);
        Field<NonNullGraphType<HashGraphType>>("model").Resolve(c => c.Source.Model);
        Field<NonNullGraphType<IntGraphType>>("modelVersion").Resolve(c => (int)c.Source.ModelVersion);
        Field<NonNullGraphType<HashGraphType>>("adapter").Description("keccak256 of the adapter artifact OpenLoRA served.").Resolve(c => c.Source.Adapter);
        Field<NonNullGraphType<HashGraphType>>("trainingRecord").Resolve(c => c.Source.TrainingRecord);
        Field<NonNullGraphType<StringGraphType>>("baseModel").Description("The base model's name (builtin:<weights keccak256>).").Resolve(c => c.Source.BaseModel);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<HashGraphType>>>>("datanetVersions").Resolve(c => c.Source.DatanetVersions);
        Field<NonNullGraphType<HashGraphType>>("input").Resolve(c => c.Source.Input);
        Field<HashGraphType>("output").Resolve(c => c.Source.Output);
        Field<AddressGraphType>("server").Resolve(c => c.Source.Server);
    }
}
