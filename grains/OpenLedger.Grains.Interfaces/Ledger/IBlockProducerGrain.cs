using Orleans.Concurrency;

namespace OpenLedger.Grains.Ledger;

/// <summary>The single block producer. Orleans' single activation makes it the leader; when its silo dies it
/// re-activates elsewhere and resumes from the last committed block.</summary>
public interface IBlockProducerGrain : IGrainWithIntegerKey
{
    /// <summary>Activates the producer (idempotent) and returns the committed head height.</summary>
    Task<long> StartAsync();

    /// <summary>A hint that a full block is waiting: seal now instead of at the next interval.</summary>
    [OneWay]
    Task NudgeAsync();

    /// <summary>Does nothing but make sure the producer is active: the mempool calls it as transactions arrive, so a
    /// producer whose activation was lost (silo death, deactivation) re-activates elsewhere and resumes.</summary>
    [OneWay]
    Task KeepAliveAsync();
}
