namespace OpenLedger.Storage.Checkpoints;

/// <summary>A training job's last checkpoint as the node's database holds it: its step, the trainer's state (JSON) and
/// the tensors' safetensors bytes, written by the run of <paramref name="Epoch"/>.</summary>
public sealed record StoredCheckpoint(int Step, string StateJson, byte[] Tensors, long Epoch, string Silo, long WrittenMs);

/// <summary>A job's row without its bytes: who holds the job (epoch, silo) and the checkpoint's step and size.</summary>
public sealed record CheckpointInfo(long Epoch, string Silo, long ClaimedMs, int? Step, long Bytes, long? WrittenMs);
