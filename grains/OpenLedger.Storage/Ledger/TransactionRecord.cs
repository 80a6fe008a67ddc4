using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Storage.Ledger;

/// <summary>A committed transaction as stored: where it is (block height and index), its raw signed bytes and its receipt.</summary>
public sealed record TransactionRecord(long Height, int Index, TxKind Kind, Address Sender, Address? Recipient, byte[] Raw, Receipt Receipt)
{
    public Hash32 Hash => Receipt.TxHash;
}
