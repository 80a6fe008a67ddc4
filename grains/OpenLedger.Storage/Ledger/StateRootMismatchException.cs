using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;

namespace OpenLedger.Storage.Ledger;

/// <summary>The stored state does not hash to the state root of the stored head: the database was changed outside
/// the ledger, or a reload mixed two blocks. The producer refuses to build on it (a clear start-up error) rather than
/// seal blocks that no replay would reproduce.</summary>
public sealed class StateRootMismatchException(BlockHeader head, Hash32 loadedRoot) : InvalidOperationException(
    $"the stored state does not match block {head.Height}: its state root is {head.StateRoot}, the loaded accounts and " +
    $"marketplace objects hash to {loadedRoot}. The database was changed outside the ledger; `openledger verify` replays " +
    "the chain from genesis and shows the first block that differs")
{
    public BlockHeader Head { get; } = head;
    public Hash32 LoadedRoot { get; } = loadedRoot;
}
