using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OpenLedger.Grains.Ledger;

/// <summary>Keeps the block producer activated, from every silo that hosts the ledger: once a second it calls the
/// producer (<see cref="IBlockProducerGrain.StartAsync"/>, a no-op on an active producer). When the producer's silo dies
/// nothing else would wake it on an idle chain, or one that only seals empty blocks: its own timer died with it, the
/// mempool's watchdog only fires while transactions wait (and may have died with the same silo), and the start-up task
/// ran once. Once the dead silo is declared dead, the next call re-activates the producer on a live silo, where it claims
/// the next producer epoch and resumes from the store's head. The cost is one small call per silo per second.</summary>
public sealed class ProducerKeepAlive(IGrainFactory grains, ILogger<ProducerKeepAlive> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How often each silo calls the producer: the longest a producer stays inactive after its old silo is declared dead.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>How long one call may take before the next is sent anyway (a call to a silo that died but is not yet
    /// declared dead can hang; a producer busy sealing a large block answers late but answers).</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ProducerKeepAlive), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private Task OnStartAsync(CancellationToken ct)
    {
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(ct).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var producer = grains.GetGrain<IBlockProducerGrain>(0);
        long? unreachableSince = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await producer.StartAsync().WaitAsync(CallTimeout, stop);
                if (unreachableSince is { } since)
                {
                    logger.LogInformation("Block producer reachable again after {Seconds:0.0} s", Stopwatch.GetElapsedTime(since).TotalSeconds);
                    unreachableSince = null;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // Expected while the producer's silo is dead but not yet declared dead: say so once per outage.
                if (unreachableSince is null)
                {
                    unreachableSince = Stopwatch.GetTimestamp();
                    logger.LogInformation("Block producer unreachable ({Error}); calling it again every {Period} s until it re-activates",
                        e.GetType().Name, Period.TotalSeconds);
                }
            }
            try { await Task.Delay(Period, stop); }
            catch (OperationCanceledException) { return; }
        }
    }
}
