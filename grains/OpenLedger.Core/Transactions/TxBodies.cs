using System.Text.Json.Nodes;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Transactions.Fields;

namespace OpenLedger.Core.Transactions;

/// <summary>Every kind's field schema and constructor, in one table: the codec, the typed-data reader and the
/// gateway's intent builder all go through it. A new kind registers here.</summary>
public static class TxBodies
{
    public delegate LedgerError Factory(object[] values, out ITxBody? body);

    private static readonly Dictionary<TxKind, (TypedField[] Fields, Factory Create)> Kinds = new()
    {
        [TxKind.Transfer] = (Transfer.Schema, Transfer.TryCreate),
        [TxKind.CreateDatanet] = (CreateDatanet.Schema, CreateDatanet.TryCreate),
        [TxKind.UpdateDatanet] = (UpdateDatanet.Schema, UpdateDatanet.TryCreate),
        [TxKind.Contribute] = (Contribute.Schema, Contribute.TryCreate),
        [TxKind.Curate] = (Curate.Schema, Curate.TryCreate),
        [TxKind.PublishVersion] = (PublishVersion.Schema, PublishVersion.TryCreate),
        [TxKind.RegisterModel] = (RegisterModel.Schema, RegisterModel.TryCreate),
        [TxKind.UpdateModel] = (UpdateModel.Schema, UpdateModel.TryCreate),
        [TxKind.RequestInference] = (RequestInference.Schema, RequestInference.TryCreate),
        [TxKind.PostResult] = (PostResult.Schema, PostResult.TryCreate),
        [TxKind.SettleAttribution] = (SettleAttribution.Schema, SettleAttribution.TryCreate),
    };

    public static bool IsKnown(TxKind kind) => Kinds.ContainsKey(kind);

    public static IReadOnlyList<TypedField> SchemaOf(TxKind kind) => Kinds[kind].Fields;

    public static LedgerError TryDecode(TxKind kind, ReadOnlySpan<byte> body, out ITxBody? decoded)
    {
        decoded = null;
        if (!Kinds.TryGetValue(kind, out var k)) return new(ErrorCode.UnknownKind, $"unknown transaction kind {(ushort)kind}");
        var e = BodyFormat.TryDecode(k.Fields, body, out var values);
        return e.IsError ? e : k.Create(values, out decoded);
    }

    /// <summary>Builds a body from a JSON object with one member per field (a typed-data message or a GraphQL intent).
    /// A value of the wrong shape is <see cref="ErrorCode.InvalidField"/>; a value the kind refuses carries the kind's code.</summary>
    public static LedgerError TryFromJson(TxKind kind, JsonObject message, out ITxBody? body)
    {
        body = null;
        if (!Kinds.TryGetValue(kind, out var k)) return new(ErrorCode.UnknownKind, $"unknown transaction kind {kind}");
        if (!BodyFormat.TryReadJson(k.Fields, message, out var values, out var error)) return new(ErrorCode.InvalidField, error);
        return k.Create(values, out body);
    }

    public static bool TryFromJson(TxKind kind, JsonObject message, out ITxBody? body, out string error)
    {
        var e = TryFromJson(kind, message, out body);
        error = e.IsError ? e.ToString() : "";
        return !e.IsError;
    }
}
