using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>The datanet's owner or one of its curators approves or rejects a pending contribution, with a reason, by its
/// deadline block (after it the contribution has expired: ContributionExpired). Curation is final, with one exception:
/// rejecting an approved contribution excludes it (status Excluded) from every version published afterwards, the
/// curator's way to keep out data found harmful after approval (the versions already published keep it).</summary>
public sealed record Curate(Hash32 Contribution, bool Approve, string Reason) : ITxBody
{
    public static readonly TypedField[] Schema =
        [new("contribution", FieldType.Bytes32), new("approve", FieldType.Bool), new("reason", FieldType.String)];

    public TxKind Kind => TxKind.Curate;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Contribution, Approve, Reason];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = null;
        var e = FieldLimits.Text("reason", (string)v[2], FieldLimits.Reason);
        if (e.IsError) return e;
        body = new Curate((Hash32)v[0], (bool)v[1], (string)v[2]);
        return LedgerError.None;
    }
}
