using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Mempool;
using OpenLedger.Core.Transactions;
using OpenLedger.Storage.Content;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Grains.Hosting;

/// <summary>What every grain of a node shares: the chain rules, the ledger store, the content store, the producer key
/// and node policy. Registered as a singleton in the silo's services.</summary>
public sealed class LedgerNode(ChainRules rules, ILedgerStore store, PrivateKey? producerKey, MempoolOptions mempool, bool produceEmptyBlocks = false,
    IContentStore? content = null)
{
    /// <summary>The off-chain content of contributions. Without one the node admits no Contribute transaction
    /// (it could not check that the content exists).</summary>
    public IContentStore? Content { get; } = content;

    public ChainRules Rules { get; } = rules;
    public Hash32 GenesisHash { get; } = GenesisBlock.Build(rules).Header.Hash;
    public ILedgerStore Store { get; } = store;
    /// <summary>Null on a node that does not produce blocks (it still serves reads and relays transactions).</summary>
    public PrivateKey? ProducerKey { get; } = producerKey;
    /// <summary>The mempool's limits (see <see cref="TransactionPool"/>).</summary>
    public MempoolOptions Mempool { get; } = mempool.Validated();
    public bool ProduceEmptyBlocks { get; } = produceEmptyBlocks;

    /// <summary>Tests only (internal, set in-process; nothing a client sends reaches it): called as the block executor
    /// takes each transaction, after the ones before it were applied, so a test can fault a block midway.</summary>
    internal Action<VerifiedTransaction>? ExecutionFaultForTests { get; set; }
}
