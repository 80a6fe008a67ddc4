namespace OpenLedger.Core.Transactions;

/// <summary>Transaction kinds. The number is part of the wire envelope and each kind has its own EIP-712
/// primary type (its name), so adding a kind never changes the hash or encoding of an existing one.
/// Never renumber; add new kinds at the end.</summary>
public enum TxKind : ushort
{
    Transfer = 1,
    // Datanets
    CreateDatanet = 2,
    UpdateDatanet = 3,
    Contribute = 4,
    Curate = 5,
    PublishVersion = 6,
    // Models
    RegisterModel = 7,
    UpdateModel = 8,
    // Paid inference and attribution
    RequestInference = 9,
    PostResult = 10,
    SettleAttribution = 11,
}
