using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Ledger;
using OpenLedger.Silo.Configuration;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.Silo.Cli;

/// <summary>`openledger verify`: replays the stored chain from genesis through the state transition and checks
/// every header, root and signature; then checks that the stored account table equals the replayed state.</summary>
public static class VerifyCommand
{
    public static async Task<int> ExecuteAsync(Args args)
    {
        var settings = NodeSettings.From(args);
        var (_, rules) = settings.LoadChain();
        var store = new SqlLedgerStore(settings.Backend, settings.ConnectionString);
        var result = await VerifyAsync(rules, store);
        Console.WriteLine(result);
        return result.Ok ? 0 : 1;
    }

    public static async Task<ReplayResult> VerifyAsync(Core.Genesis.ChainRules rules, ILedgerStore store)
    {
        // Take the stored accounts and head first: blocks may commit while we replay, so replay exactly up to that head.
        var (stored, head) = await store.LoadStateAsync();
        var blocks = new List<SealedBlock>();
        await foreach (var b in store.ReadBlocksAsync(0))
        {
            if (b.Header.Height > head.Height) break;
            blocks.Add(b);
        }
        var result = ChainReplayer.Replay(rules, blocks);
        if (!result.Ok) return result;
        if (result.State.StateRoot() != stored.StateRoot() || result.State.AccountCount != stored.AccountCount)
            return result with { Ok = false, FirstMismatch = $"the stored accounts (root {stored.StateRoot()}, {stored.AccountCount} accounts) differ from the replayed state (root {result.State.StateRoot()}, {result.State.AccountCount} accounts)" };
        if (result.State.TotalSupply() != rules.TotalSupply.Value)
            return result with { Ok = false, FirstMismatch = $"supply {result.State.TotalSupply()} differs from the genesis supply {rules.TotalSupply}" };
        return result;
    }
}
