using OpenLedger.Core.Crypto;
using OpenLedger.ML.Training;
using OpenLedger.Grains.ModelFactory;

namespace OpenLedger.ML.Grains.ModelFactory;

/// <summary>
/// One run's view of its job's checkpoint in the node's database (<see cref="ITrainingCheckpoints"/>), for the
/// trainer, which calls it on its own thread-pool thread between steps (never on the Orleans scheduler, so waiting on
/// the database there blocks nothing else). Writes name the run's <paramref name="epoch"/>: when another run has claimed
/// the job since, the write is refused and <see cref="CheckpointFencedException"/> ends this run.
/// <para>A checkpoint written by an older node under the silo's data directory (<paramref name="legacyDirectory"/>) is
/// read when the database holds none for the job, so a job interrupted before an upgrade still continues (on the silo
/// that has that directory); its next checkpoint goes to the database.</para>
/// </summary>
public sealed class JobCheckpoints(ITrainingCheckpoints store, Hash32 job, long epoch, string legacyDirectory) : ITrainingCheckpointStore
{
    private int _savedStep = -1;

    public long Epoch => epoch;

    /// <summary>The step of the last checkpoint this run wrote (-1: none yet); read by the grain's timer, which then
    /// writes the job's state too, so the stored loss curve reaches the checkpoint a resumed run starts from.</summary>
    public int SavedStep => Volatile.Read(ref _savedStep);

    public (TrainingCheckpoint State, byte[] Tensors)? Load()
    {
        if (store.ReadAsync(job).GetAwaiter().GetResult() is { } stored)
            return (TrainingCheckpoint.FromJson(stored.StateJson, ToString()), stored.Tensors);
        return new DirectoryCheckpointStore(legacyDirectory).Load();
    }

    public void Save(TrainingCheckpoint state, byte[] tensors)
    {
        if (!store.WriteAsync(job, epoch, state.Step, TrainingCheckpoint.ToJson(state), tensors).GetAwaiter().GetResult())
            throw new CheckpointFencedException(job, epoch);
        Volatile.Write(ref _savedStep, state.Step);
    }

    public override string ToString() => $"training job {job}'s checkpoint";
}

/// <summary>A run's checkpoint write was refused because another run (on another silo) has claimed the job since: this
/// run is stale and stops without recording anything.</summary>
public sealed class CheckpointFencedException(Hash32 job, long epoch)
    : Exception($"training job {job}: run epoch {epoch} was superseded by a later run; this run stops");
