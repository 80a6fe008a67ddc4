using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>An authorised attribution operator settles a served inference: the attribution record (by hash) and the
/// contributions that influenced the output with their weights. The escrow is split exactly (see
/// <see cref="Money.FeeSplit"/>); each contribution must be in a datanet version the model was trained on, and appear once.</summary>
public sealed record SettleAttribution(Hash32 Inference, Hash32 Record, Hash32[] Contributions, ulong[] Weights) : ITxBody
{
    public static readonly TypedField[] Schema =
    [
        new("inference", FieldType.Bytes32), new("record", FieldType.Bytes32),
        new("contributions", FieldType.Bytes32Array), new("weights", FieldType.UInt64Array),
    ];

    public TxKind Kind => TxKind.SettleAttribution;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Inference, Record, Contributions, Weights];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = null;
        var contributions = (Hash32[])v[2];
        var weights = (ulong[])v[3];
        if (contributions.Length != weights.Length)
            return new(ErrorCode.InvalidField, $"{contributions.Length} contributions but {weights.Length} weights");
        if (contributions.Length == 0) return new(ErrorCode.AttributionEmpty, "a settlement attributes to at least one contribution");
        var e = FieldLimits.Count("contributions", contributions, FieldLimits.Attributions);
        if (e.IsError) return e;
        body = new SettleAttribution((Hash32)v[0], (Hash32)v[1], contributions, weights);
        return LedgerError.None;
    }
}
