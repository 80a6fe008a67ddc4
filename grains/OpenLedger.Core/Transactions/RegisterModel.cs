using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>A publisher registers a model fine-tuned on datanet versions: the adapter artifact and training record
/// (hyperparameters, seed, metrics) by hash, the price of one inference and how its fee splits, in basis points,
/// between the owner, the data contributors and the protocol (the three sum to 10,000, within the genesis bounds).
/// The model's id is this transaction's hash.</summary>
public sealed record RegisterModel(string Name, string BaseModel, Hash32 Adapter, Hash32[] DatanetVersions,
    Hash32 TrainingRecord, Wei Price, ushort OwnerBps, ushort ContributorsBps, ushort ProtocolBps) : ITxBody
{
    public static readonly TypedField[] Schema =
    [
        new("name", FieldType.String), new("baseModel", FieldType.String), new("adapter", FieldType.Bytes32),
        new("datanetVersions", FieldType.Bytes32Array), new("trainingRecord", FieldType.Bytes32), new("price", FieldType.UInt256),
        new("ownerBps", FieldType.UInt16), new("contributorsBps", FieldType.UInt16), new("protocolBps", FieldType.UInt16),
    ];

    public TxKind Kind => TxKind.RegisterModel;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Name, BaseModel, Adapter, DatanetVersions, TrainingRecord, Price, OwnerBps, ContributorsBps, ProtocolBps];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = null;
        var e = FieldLimits.First(
            FieldLimits.Text("name", (string)v[0], FieldLimits.Name, required: true),
            FieldLimits.Text("baseModel", (string)v[1], FieldLimits.BaseModel, required: true),
            ModelFields.Versions((Hash32[])v[3], required: true));
        if (e.IsError) return e;
        body = new RegisterModel((string)v[0], (string)v[1], (Hash32)v[2], (Hash32[])v[3], (Hash32)v[4], (Wei)v[5], (ushort)v[6], (ushort)v[7], (ushort)v[8]);
        return LedgerError.None;
    }
}

internal static class ModelFields
{
    public static LedgerError Versions(Hash32[] versions, bool required)
    {
        if (required && versions.Length == 0) return new(ErrorCode.InvalidField, "datanetVersions must name at least one datanet version");
        var e = FieldLimits.Count("datanetVersions", versions, FieldLimits.DatanetVersions);
        if (e.IsError) return e;
        return versions.Distinct().Count() == versions.Length ? LedgerError.None : new(ErrorCode.InvalidField, "datanetVersions lists a version twice");
    }
}
