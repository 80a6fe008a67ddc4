using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>The owner sets a model's price and status and may publish a new version: a non-zero
/// <see cref="Adapter"/> with its training record and datanet versions starts version n+1. Inferences already
/// requested keep the price they escrowed and are attributed against the version they were requested on.</summary>
public sealed record UpdateModel(Hash32 Model, Wei Price, ModelStatus Status, Hash32 Adapter, Hash32 TrainingRecord, Hash32[] DatanetVersions) : ITxBody
{
    public static readonly TypedField[] Schema =
    [
        new("model", FieldType.Bytes32), new("price", FieldType.UInt256), new("status", FieldType.UInt8),
        new("adapter", FieldType.Bytes32), new("trainingRecord", FieldType.Bytes32), new("datanetVersions", FieldType.Bytes32Array),
    ];

    public TxKind Kind => TxKind.UpdateModel;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Model, Price, (byte)Status, Adapter, TrainingRecord, DatanetVersions];

    /// <summary>True when this update starts a new model version.</summary>
    public bool NewVersion => Adapter != Hash32.Zero;

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = null;
        var status = (byte)v[2];
        if (!Enum.IsDefined((ModelStatus)status)) return new(ErrorCode.InvalidField, $"status {status} is not 1 (active) or 2 (retired)");
        var adapter = (Hash32)v[3];
        var versions = (Hash32[])v[5];
        var e = ModelFields.Versions(versions, required: adapter != Hash32.Zero);
        if (e.IsError) return e;
        if (adapter == Hash32.Zero && (versions.Length > 0 || (Hash32)v[4] != Hash32.Zero))
            return new(ErrorCode.InvalidField, "trainingRecord and datanetVersions come with a new adapter; leave them empty otherwise");
        body = new UpdateModel((Hash32)v[0], (Wei)v[1], (ModelStatus)status, adapter, (Hash32)v[4], versions);
        return LedgerError.None;
    }
}
