using OpenLedger.Core.Books;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Grains.Books;

/// <summary>A statement request: of one account, datanet or model (exactly one), over blocks
/// [<see cref="FromHeight"/>, <see cref="ToHeight"/>] (defaults: the last <see cref="StatementLimits.MaxBlocks"/>
/// blocks up to the head), lines <see cref="Offset"/> to <see cref="Offset"/> + <see cref="Limit"/>.</summary>
[GenerateSerializer, Immutable, Alias("openledger.StatementRequest")]
public sealed record StatementRequest(
    [property: Id(0)] Address? Account = null,
    [property: Id(1)] Hash32? Datanet = null,
    [property: Id(2)] Hash32? Model = null,
    [property: Id(3)] long? FromHeight = null,
    [property: Id(4)] long? ToHeight = null,
    [property: Id(5)] int Offset = 0,
    [property: Id(6)] int Limit = StatementLimits.DefaultPage);

/// <summary>One line of a statement (a <see cref="Posting"/> and how it concerns the subject).</summary>
[GenerateSerializer, Immutable, Alias("openledger.StatementLineView")]
public sealed record StatementLineView(
    [property: Id(0)] BookKind Kind,
    [property: Id(1)] Flow Flow,
    [property: Id(2)] long Height,
    [property: Id(3)] int TxIndex,
    [property: Id(4)] Hash32? TxHash,
    [property: Id(5)] Address? From,
    [property: Id(6)] Address? To,
    [property: Id(7)] Wei Amount,
    [property: Id(8)] Address? Party,
    [property: Id(9)] Hash32? Datanet,
    [property: Id(10)] Hash32? Model,
    [property: Id(11)] Hash32? Contribution,
    [property: Id(12)] Hash32? Inference,
    [property: Id(13)] string? Role)
{
    public static StatementLineView Of(StatementLine l)
    {
        var p = l.Posting;
        return new(p.Kind, l.Flow, p.Height, p.TxIndex, p.TxHash, p.From, p.To, p.Amount, p.Party, p.Datanet, p.Model, p.Contribution, p.Inference, p.Role);
    }
}

/// <summary>The sum of a statement's lines of one kind, role and flow.</summary>
[GenerateSerializer, Immutable, Alias("openledger.StatementTotalView")]
public sealed record StatementTotalView(
    [property: Id(0)] BookKind Kind,
    [property: Id(1)] string? Role,
    [property: Id(2)] Flow Flow,
    [property: Id(3)] Wei Amount,
    [property: Id(4)] long Count);

/// <summary>A statement, or why there is none (<see cref="ErrorCode"/>, a stable code, and a message). For an
/// account, <see cref="In"/> and <see cref="Out"/> sum its inflows and outflows; when the range ends at the head,
/// <see cref="ClosingBalance"/> is the account's balance and <see cref="OpeningBalance"/> its balance before
/// <see cref="FromHeight"/> (null otherwise: the node keeps no past balances).</summary>
[GenerateSerializer, Immutable, Alias("openledger.StatementView")]
public sealed record StatementView(
    [property: Id(0)] long FromHeight,
    [property: Id(1)] long ToHeight,
    [property: Id(2)] long HeadHeight,
    [property: Id(3)] IReadOnlyList<StatementTotalView> Totals,
    [property: Id(4)] IReadOnlyList<StatementLineView> Lines,
    [property: Id(5)] int LineCount,
    [property: Id(6)] Wei In,
    [property: Id(7)] Wei Out,
    [property: Id(8)] Wei? OpeningBalance,
    [property: Id(9)] Wei? ClosingBalance,
    [property: Id(10)] int RowsRead,
    [property: Id(11)] string? ErrorCode = null,
    [property: Id(12)] string? Message = null)
{
    public static StatementView Error(string code, string message) =>
        new(0, 0, 0, [], [], 0, Wei.Zero, Wei.Zero, null, null, 0, code, message);
}
