using System.Runtime.CompilerServices;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>Which of a block's events are stored as narrow rows of ledger_reward_credits (see Schema/*/Ledger.sql):
/// a RewardCredited event with a payee and an amount that directly follows, in the block's event order, its
/// InferenceSettled event or another credit stored narrow for it, and shares that event's transaction, subject, model
/// and inference, so that the row plus the settlement's row in ledger_events give back the event exactly. Every other
/// event (a credit included) stays a full row of ledger_events.</summary>
internal static class SqlRewardCredits
{
    /// <summary>No narrow row: the event is a row of ledger_events.</summary>
    public const int NotNarrow = -1;

    // One block's classification is asked for by both tables' row counts and writers: made once per block.
    private static readonly ConditionalWeakTable<ExecutedBlock, int[]> Classified = new();

    /// <summary>Per event of the block: the seq of the settlement event whose credit it is stored as, or
    /// <see cref="NotNarrow"/>.</summary>
    public static int[] SettledSeqs(ExecutedBlock block) => Classified.GetValue(block, b => Classify(b.Events));

    public static int[] Classify(IReadOnlyList<MarketEvent> events)
    {
        var settledSeqs = new int[events.Count];
        // The settlement the run of narrow credits belongs to, while the run lasts (the previous event is that
        // settlement or one of its narrow credits).
        MarketEvent? settled = null;
        int settledSeq = NotNarrow;
        for (int seq = 0; seq < events.Count; seq++)
        {
            var e = events[seq];
            if (settled is not null && IsCreditOf(e, settled))
            {
                settledSeqs[seq] = settledSeq;
                continue;
            }
            settledSeqs[seq] = NotNarrow;
            (settled, settledSeq) = e.Kind == MarketEventKind.InferenceSettled ? (e, seq) : (null, NotNarrow);
        }
        return settledSeqs;
    }

    private static bool IsCreditOf(MarketEvent e, MarketEvent settled) =>
        e.Kind == MarketEventKind.RewardCredited && e.Party is not null && e.Amount is not null
        && e.TxIndex == settled.TxIndex && e.TxHash == settled.TxHash && e.Subject == settled.Subject
        && e.Model == settled.Model && e.Inference == settled.Inference;

    public static int NarrowCount(ExecutedBlock block) => SettledSeqs(block).Count(s => s != NotNarrow);
}
