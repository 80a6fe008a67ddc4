namespace OpenLedger.ML.Training;

/// <summary>Where a <see cref="Trainer"/> keeps its one resumable checkpoint: a directory on this machine
/// (<see cref="DirectoryCheckpointStore"/>) or a store every machine of a cluster reads (Model Factory's jobs keep theirs
/// in the node's database, so a job resumed on another silo continues). The trainer calls it on its own thread,
/// between steps; a store that refuses a write throws, and the run ends with that exception.</summary>
public interface ITrainingCheckpointStore
{
    /// <summary>The last checkpoint saved (its state and its tensors' safetensors bytes), or null when there is none.</summary>
    (TrainingCheckpoint State, byte[] Tensors)? Load();

    /// <summary>Replaces the checkpoint; <paramref name="state"/> names <paramref name="tensors"/>' keccak256.</summary>
    void Save(TrainingCheckpoint state, byte[] tensors);
}

/// <summary>A checkpoint in a directory (<see cref="TrainingCheckpoint.StateFile"/> and <see cref="TrainingCheckpoint.TensorsFile"/>).</summary>
public sealed class DirectoryCheckpointStore(string directory) : ITrainingCheckpointStore
{
    public string Directory => directory;

    public (TrainingCheckpoint State, byte[] Tensors)? Load() =>
        TrainingCheckpoint.Exists(directory) ? TrainingCheckpoint.Read(directory) : null;

    public void Save(TrainingCheckpoint state, byte[] tensors) => TrainingCheckpoint.Write(directory, state, tensors);

    public override string ToString() => directory;
}
