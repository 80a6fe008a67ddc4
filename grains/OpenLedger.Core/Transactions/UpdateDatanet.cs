using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>The owner replaces a datanet's description, tags and curators (not with none while contributions wait:
/// CuratorsRequired). Name, fees, task kind and every contribution stay as they are: what contributors agreed to does
/// not change under them.</summary>
public sealed record UpdateDatanet(Hash32 Datanet, string Description, string[] Tags, Address[] Curators) : ITxBody
{
    public static readonly TypedField[] Schema =
    [
        new("datanet", FieldType.Bytes32), new("description", FieldType.String), new("tags", FieldType.StringArray),
        new("curators", FieldType.AddressArray),
    ];

    public TxKind Kind => TxKind.UpdateDatanet;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Datanet, Description, Tags, Curators];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = null;
        var e = FieldLimits.First(
            FieldLimits.Text("description", (string)v[1], FieldLimits.Description),
            DatanetFields.Tags((string[])v[2]),
            DatanetFields.Curators((Address[])v[3]));
        if (e.IsError) return e;
        body = new UpdateDatanet((Hash32)v[0], (string)v[1], (string[])v[2], (Address[])v[3]);
        return LedgerError.None;
    }
}
