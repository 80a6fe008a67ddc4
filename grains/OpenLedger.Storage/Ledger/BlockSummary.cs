using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;

namespace OpenLedger.Storage.Ledger;

/// <summary>A committed block without its transactions' bytes: the header, the producer's signature, and the
/// transactions' hashes in block order (as stored beside each row, so nothing is decoded to list them).</summary>
public sealed record BlockSummary(BlockHeader Header, Signature ProducerSignature, IReadOnlyList<Hash32> TransactionHashes);
