using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>Creates a datanet owned by the sender. Its id is this transaction's hash, so a client knows it before
/// the block. A contribution pays <see cref="FeePerKb"/> per started KiB to the owner and locks <see cref="Stake"/>
/// until curated, or until the genesis' curation deadline returns it uncurated.</summary>
public sealed record CreateDatanet(string Name, string Description, string[] Tags, string License, TaskKind Task,
    Wei FeePerKb, Wei Stake, ForfeitRule ForfeitTo, Address[] Curators) : ITxBody
{
    public static readonly TypedField[] Schema =
    [
        new("name", FieldType.String), new("description", FieldType.String), new("tags", FieldType.StringArray),
        new("license", FieldType.String), new("taskKind", FieldType.UInt8), new("feePerKb", FieldType.UInt256),
        new("stake", FieldType.UInt256), new("forfeitTo", FieldType.UInt8), new("curators", FieldType.AddressArray),
    ];

    public TxKind Kind => TxKind.CreateDatanet;
    public IReadOnlyList<TypedField> Fields => Schema;
    public object[] Values() => [Name, Description, Tags, License, (byte)Task, FeePerKb, Stake, (byte)ForfeitTo, Curators];

    public static LedgerError TryCreate(object[] v, out ITxBody? body)
    {
        body = null;
        var task = (byte)v[4];
        var forfeit = (byte)v[7];
        var e = FieldLimits.First(
            FieldLimits.Text("name", (string)v[0], FieldLimits.Name, required: true),
            FieldLimits.Text("description", (string)v[1], FieldLimits.Description),
            DatanetFields.Tags((string[])v[2]),
            FieldLimits.Text("license", (string)v[3], FieldLimits.License),
            Enum.IsDefined((TaskKind)task) ? LedgerError.None : new(ErrorCode.InvalidField, $"taskKind {task} is not 1 (text), 2 (prompt->completion) or 3 (text->label)"),
            Enum.IsDefined((ForfeitRule)forfeit) ? LedgerError.None : new(ErrorCode.InvalidField, $"forfeitTo {forfeit} is not 1 (owner) or 2 (treasury)"),
            DatanetFields.Curators((Address[])v[8]));
        if (e.IsError) return e;
        body = new CreateDatanet((string)v[0], (string)v[1], (string[])v[2], (string)v[3], (TaskKind)task, (Wei)v[5], (Wei)v[6], (ForfeitRule)forfeit, (Address[])v[8]);
        return LedgerError.None;
    }
}

/// <summary>Checks shared by the datanet kinds.</summary>
internal static class DatanetFields
{
    public static LedgerError Tags(string[] tags)
    {
        var e = FieldLimits.Count("tags", tags, FieldLimits.Tags);
        if (e.IsError) return e;
        foreach (var t in tags)
        {
            e = FieldLimits.Text("tag", t, FieldLimits.Tag, required: true);
            if (e.IsError) return e;
        }
        return LedgerError.None;
    }

    public static LedgerError Curators(Address[] curators)
    {
        var e = FieldLimits.Count("curators", curators, FieldLimits.Curators);
        if (e.IsError) return e;
        return curators.Distinct().Count() == curators.Length ? LedgerError.None : new(ErrorCode.InvalidField, "curators lists an address twice");
    }
}
