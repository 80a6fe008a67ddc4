using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Market;

/// <summary>One version of a model: its artifacts by hash and the datanet versions it was trained on.</summary>
public sealed class ModelVersionType : ObjectGraphType<ModelVersion>
{
    public ModelVersionType()
    {
        Name = "ModelVersion";
        Field<NonNullGraphType<IntGraphType>>("number").Resolve(c => (int)c.Source.Number);
        Field<NonNullGraphType<HashGraphType>>("adapter").Description("Hash of the LoRA adapter artifact.").Resolve(c => c.Source.Adapter);
        Field<NonNullGraphType<HashGraphType>>("trainingRecord").Description("Hash of the training record (hyperparameters, seed, metrics).").Resolve(c => c.Source.TrainingRecord);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DatanetVersionType>>>>("datanetVersions")
            .Description("The datanet versions it was trained on.")
            .ListSize(OpenLedger.Core.Transactions.Fields.FieldLimits.DatanetVersions)
            .Resolve(c => c.LoadMany<DatanetVersion>(c.Source.DatanetVersions));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<HashGraphType>>>>("datanetVersionIds").Resolve(c => c.Source.DatanetVersions);
        Field<NonNullGraphType<LongGraphType>>("height").Description("The block that registered it.").Resolve(c => c.Source.Height);
    }
}
