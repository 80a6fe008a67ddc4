using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;

namespace OpenLedger.Client;

/// <summary>A statement as the node's GraphQL <c>statement</c> returns it (a page of its lines).</summary>
public sealed record StatementInfo(long FromHeight, long ToHeight, long HeadHeight, Wei In, Wei Out, string Net, Wei? OpeningBalance, Wei? ClosingBalance,
    int LineCount, int RowsRead, IReadOnlyList<StatementTotalInfo> Totals, IReadOnlyList<StatementLineInfo> Lines);

/// <summary>A statement's total of one kind, role and flow.</summary>
public sealed record StatementTotalInfo(string Kind, string? Role, string Flow, Wei Amount, long Count);

/// <summary>One movement of wei (null from/to: the marketplace, or for a genesis line, nobody).</summary>
public sealed record StatementLineInfo(string Kind, string Flow, Wei Amount, long Height, int TxIndex, Hash32? TxHash, Address? From, Address? To,
    Address? Party, string? Role, Hash32? Datanet, Hash32? Model, Hash32? Contribution, Hash32? Inference);
