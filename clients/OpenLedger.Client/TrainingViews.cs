using OpenLedger.Core.Crypto;

namespace OpenLedger.Client;

/// <summary>What to fine-tune (Model Factory): a datanet version (0: the latest), the LoRA hyperparameters and the
/// recipe options (null: the node's default; see <c>TrainingJobInput</c>).</summary>
public sealed record TrainingRequest(Hash32 Datanet, uint VersionNumber = 0, int Rank = 8, double Alpha = 16, string[]? TargetModules = null,
    double LearningRate = 3e-3, double Epochs = 1, int? Steps = null, int BatchSize = 16, long Seed = 1,
    string? Schedule = null, double? LabelSmoothing = null, int? EarlyStopping = null, string? LabelScoring = null);

public enum TrainingStatus { Queued, Running, Succeeded, Failed, Cancelled }

/// <summary>A Model Factory job: status, progress and, once it succeeded, the hashes a model registers on chain.</summary>
public sealed record TrainingJobInfo(
    Hash32 Id, TrainingStatus Status, Hash32 Datanet, int VersionNumber, Hash32 DatanetVersion, string BaseModel, int Examples,
    int Step, int TotalSteps, double? Loss, double? EvalLoss, double? InitialEvalLoss, double TokensPerSecond, double? EtaSeconds,
    Hash32? Adapter, Hash32? TrainingRecord, double? BaseAccuracy, double? Accuracy, string? ErrorCode, string? Message, long Sequence,
    Address? Owner = null)
{
    public bool IsFinished => Status is TrainingStatus.Succeeded or TrainingStatus.Failed or TrainingStatus.Cancelled;
}
