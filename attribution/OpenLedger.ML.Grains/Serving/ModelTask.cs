using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Market;

namespace OpenLedger.ML.Grains.Serving;

/// <summary>The task format a model version was trained in, which is how its inferences are prompted (serving) and
/// rescored (attribution): its first datanet version's datanet's; plain text when it names none.</summary>
public static class ModelTask
{
    public static async Task<TaskKind> OfAsync(IMarketQueryGrain market, ModelVersion version)
    {
        if (version.DatanetVersions.Length > 0
            && (await market.GetObjectAsync(version.DatanetVersions[0]))?.Object is DatanetVersion dv
            && (await market.GetObjectAsync(dv.Datanet))?.Object is Datanet d)
            return d.Task;
        return TaskKind.Text;
    }
}
