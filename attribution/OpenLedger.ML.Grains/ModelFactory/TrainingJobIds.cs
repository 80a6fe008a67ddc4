using System.Text;
using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Lora;

namespace OpenLedger.ML.Grains.ModelFactory;

/// <summary>How a request becomes the hyperparameters of a run and how a job is named.</summary>
public static class TrainingJobIds
{
    /// <summary>The run a request asks for. A recipe option given as its default (schedule <c>cosine</c>, label smoothing
    /// 0, label scoring <c>sum</c>) is the same training as leaving it out, so it resolves to unset: one training, one job
    /// id and one record, as targets given as the default list name the same job as none.</summary>
    public static FineTuneSpec Spec(TrainingJobRequest request) => new()
    {
        Rank = request.Rank,
        Alpha = request.Alpha,
        TargetModules = request.TargetModules is { Length: > 0 } targets ? targets : LoraConfig.AllProjections,
        LearningRate = request.LearningRate,
        Epochs = request.Epochs,
        Steps = request.Steps,
        BatchSize = request.BatchSize,
        Seed = request.Seed,
        Schedule = request.Schedule == "cosine" ? null : request.Schedule,
        LabelSmoothing = request.LabelSmoothing == 0 ? null : request.LabelSmoothing,
        EarlyStopping = request.EarlyStopping,
        LabelScoring = request.LabelScoring == "sum" ? null : request.LabelScoring,
    };

    /// <summary>keccak256 of the resolved datanet version, the base model and the hyperparameters, and of the owner
    /// when the job has one: the same training asked for twice by the same owner (or by the operator for nobody) is one
    /// job, and two owners asking for the same training get two jobs, each with its own record naming its owner (the
    /// adapters are the same bytes). Jobs without an owner keep the ids they always had.</summary>
    public static Hash32 JobId(Hash32 version, string baseModel, FineTuneSpec spec, Address? owner = null) =>
        Keccak256.Hash(Encoding.UTF8.GetBytes(owner is { } o
            ? $"openledger-training-job/2\n{o}\n{version}\n{baseModel}\n{JsonSerializer.Serialize(spec)}"
            : $"openledger-training-job/1\n{version}\n{baseModel}\n{JsonSerializer.Serialize(spec)}"));
}
