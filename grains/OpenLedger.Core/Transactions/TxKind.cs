namespace OpenLedger.Core.Transactions;

/// <summary>Transaction kinds. The number is part of the wire envelope and each kind has its own EIP-712
/// primary type, so adding a kind never changes the hash or encoding of an existing one.</summary>
public enum TxKind : ushort
{
    Transfer = 1,
}
