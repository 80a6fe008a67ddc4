using GraphQL.Types;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.Grains;
using OpenLedger.GraphQL.Curation;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.ModelFactory;

public sealed class TrainingJobStatusType : EnumerationGraphType<TrainingJobStatus>
{
    public TrainingJobStatusType() => Name = "TrainingJobStatus";
}

/// <summary>A Model Factory job: its request, progress and, once it succeeded, the hashes to register on chain.</summary>
public sealed class TrainingJobType : ObjectGraphType<TrainingJobView>
{
    public TrainingJobType()
    {
        Name = "TrainingJob";
        Description = "A LoRA fine-tuning job on a datanet version. Its id is the hash of (version, base model, hyperparameters, owner): the " +
                      "same training asked twice by the same owner is one job. A succeeded job's adapter and trainingRecord are what RegisterModel names.";
        Field<NonNullGraphType<HashGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<TrainingJobStatusType>>("status").Resolve(c => c.Source.Status);
        Field<AddressGraphType>("owner").Description("The account that started the job with its signature (or that the operator named): " +
                                                     "only it may register the job's training record. Null: an operator job for nobody.").Resolve(c => c.Source.Owner);
        Field<NonNullGraphType<HashGraphType>>("datanet").Resolve(c => c.Source.Request.Datanet);
        Field<NonNullGraphType<IntGraphType>>("versionNumber").Resolve(c => (int)c.Source.Request.VersionNumber);
        Field<NonNullGraphType<HashGraphType>>("datanetVersion").Description("The version's id (what RegisterModel's datanetVersions names).").Resolve(c => c.Source.Version);
        Field<NonNullGraphType<StringGraphType>>("baseModel").Description("The base model's on-chain name.").Resolve(c => c.Source.BaseModel);
        Field<NonNullGraphType<IntGraphType>>("rank").Resolve(c => c.Source.Request.Rank);
        Field<NonNullGraphType<FloatGraphType>>("alpha").Resolve(c => c.Source.Request.Alpha);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("targetModules").Resolve(c => c.Source.Request.TargetModules ?? []);
        Field<NonNullGraphType<FloatGraphType>>("learningRate").Resolve(c => c.Source.Request.LearningRate);
        Field<NonNullGraphType<FloatGraphType>>("epochs").Resolve(c => c.Source.Request.Epochs);
        Field<IntGraphType>("steps").Description("Requested steps (null: from epochs).").Resolve(c => c.Source.Request.Steps);
        Field<NonNullGraphType<IntGraphType>>("batchSize").Resolve(c => c.Source.Request.BatchSize);
        Field<NonNullGraphType<LongGraphType>>("seed").Resolve(c => c.Source.Request.Seed);
        // The recipe options as the run uses them: a job that did not ask (every job before them) shows the defaults.
        Field<NonNullGraphType<StringGraphType>>("schedule").Description("Learning rate after warmup: cosine (the default), linear or constant.")
            .Resolve(c => c.Source.Request.Schedule ?? "cosine");
        Field<FloatGraphType>("labelSmoothing").Description("Label smoothing of the training loss (null: none).").Resolve(c => c.Source.Request.LabelSmoothing);
        Field<IntGraphType>("earlyStopping").Description("Early stopping's patience in held-out evaluations (null: every step trained, the last weights kept; " +
                                                         "set: the best evaluation's weights kept, its step in the training record's training.bestStep).")
            .Resolve(c => c.Source.Request.EarlyStopping);
        Field<NonNullGraphType<StringGraphType>>("labelScoring").Description("Text-label accuracy: labels scored by the sum (the default) or the mean of their token log-probabilities.")
            .Resolve(c => c.Source.Request.LabelScoring ?? "sum");
        Field<NonNullGraphType<IntGraphType>>("examples").Description("Usable examples in the version.").Resolve(c => c.Source.Examples);
        Field<NonNullGraphType<IntGraphType>>("step").Resolve(c => c.Source.Step);
        Field<NonNullGraphType<IntGraphType>>("totalSteps").Resolve(c => c.Source.TotalSteps);
        Field<FloatGraphType>("loss").Description("Training loss of the last step.").Resolve(c => c.Source.Loss);
        Field<FloatGraphType>("evalLoss").Description("Held-out loss at the last evaluation.").Resolve(c => c.Source.EvalLoss);
        Field<FloatGraphType>("initialEvalLoss").Description("Held-out loss of the base model before training.").Resolve(c => c.Source.InitialEvalLoss);
        Field<NonNullGraphType<FloatGraphType>>("tokensPerSecond").Resolve(c => c.Source.TokensPerSecond);
        Field<FloatGraphType>("etaSeconds").Description("Estimated seconds left.").Resolve(c => c.Source.EtaSeconds);
        Field<NonNullGraphType<IntGraphType>>("attempts").Description("Runs so far (a resumed or restarted job counts again).").Resolve(c => c.Source.Attempts);
        Field<HashGraphType>("adapter").Description("keccak256 of the adapter safetensors (in the content store).").Resolve(c => c.Source.Adapter);
        Field<HashGraphType>("trainingRecord").Description("keccak256 of the training record JSON (in the content store).").Resolve(c => c.Source.TrainingRecord);
        Field<HashGraphType>("influenceIndex").Description("keccak256 of the adapter's gradient-influence index (in the content store; also in the training record).").Resolve(c => c.Source.InfluenceIndex);
        Field<HashGraphType>("spanIndex").Description("keccak256 of the span index over the training examples' tokens (in the content store; also in the training record).").Resolve(c => c.Source.SpanIndex);
        Field<FloatGraphType>("indexSeconds").Description("Seconds spent building both attribution indexes after the last training step.").Resolve(c => c.Source.IndexSeconds);
        this.AddFlaggedContributions();
        Field<FloatGraphType>("baseAccuracy").Description("Text-label tasks: held-out accuracy of the base model.").Resolve(c => c.Source.BaseAccuracy);
        Field<FloatGraphType>("accuracy").Description("Text-label tasks: held-out accuracy of the fine-tuned model.").Resolve(c => c.Source.Accuracy);
        Field<StringGraphType>("errorCode").Resolve(c => c.Source.ErrorCode);
        Field<StringGraphType>("message").Resolve(c => c.Source.Message);
        Field<NonNullGraphType<LongGraphType>>("createdMs").Resolve(c => c.Source.CreatedMs);
        Field<LongGraphType>("startedMs").Resolve(c => c.Source.StartedMs);
        Field<LongGraphType>("finishedMs").Resolve(c => c.Source.FinishedMs);
        Field<NonNullGraphType<LongGraphType>>("sequence").Description("Grows with each update.").Resolve(c => c.Source.Sequence);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TrainingLossPointType>>>>("lossHistory")
            .Description($"The job's loss curve so far, ascending by step: a point per step until {LossHistory.MaxPoints}, then thinned evenly " +
                         "(every other point dropped, later steps taken at the doubled stride, and every step that evaluated) so it covers the " +
                         "whole run; a succeeded job's ends at its last step. Read it once, then follow the subscription's step and losses.")
            .ListSize(LossHistory.MaxPoints)
            .ResolveAsync(async c => await c.Grains().GetGrain<ITrainingJobGrain>(GrainKeys.Of(c.Source.Id)).GetLossHistoryAsync());
        Field<NonNullGraphType<StringGraphType>>("silo").Description("The ML silo that ran it last.").Resolve(c => c.Source.Silo);
    }
}

/// <summary>What to train; defaults are Model Factory's.</summary>
public sealed class TrainingJobInputType : InputObjectGraphType<TrainingJobRequest>
{
    public TrainingJobInputType()
    {
        Name = "TrainingJobInput";
        Field<NonNullGraphType<HashGraphType>>("datanet");
        Field<IntGraphType>("versionNumber").Description("0 or omitted: the latest version.");
        Field<IntGraphType>("rank").Description("LoRA rank (default 8).");
        Field<FloatGraphType>("alpha").Description("LoRA alpha (default 16).");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("targetModules").Description("Default: attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj.");
        Field<FloatGraphType>("learningRate").Description("Default 0.003.");
        Field<FloatGraphType>("epochs").Description("Default 1.");
        Field<IntGraphType>("steps").Description("Optimizer steps (overrides epochs).");
        Field<IntGraphType>("batchSize").Description("Default 16.");
        Field<LongGraphType>("seed").Description("Default 1.");
        // Recipe options: omitted (or null) is the default, and a request without them names and signs its job as before.
        // Checked by the node with the others: a bad value is InvalidField.
        Field<StringGraphType>("schedule").Description("Learning rate after warmup: cosine (default), linear or constant.");
        Field<FloatGraphType>("labelSmoothing").Description("Label smoothing ε of the training loss, in [0, 0.5) (default: none).");
        Field<IntGraphType>("earlyStopping").Description("Stop after this many held-out evaluations (ten per run) without a lower held-out loss and keep " +
                                                         "the best evaluation's adapter, 1 to 10 (default: train every step). Needs a held-out split (20 examples or more).");
        Field<StringGraphType>("labelScoring").Description("How a text-label model's held-out accuracy scores labels: sum (default) or mean (length-normalised) " +
                                                           "of their token log-probabilities.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        T Get<T>(string name, T fallback) => value.TryGetValue(name, out var v) && v is not null ? (T)Convert.ChangeType(v, typeof(T), System.Globalization.CultureInfo.InvariantCulture) : fallback;
        return new TrainingJobRequest(
            (OpenLedger.Core.Crypto.Hash32)value["datanet"]!,
            (uint)Math.Max(0, Get("versionNumber", 0)),
            Get("rank", 8), Get("alpha", 16.0),
            value.TryGetValue("targetModules", out var t) && t is IEnumerable<object?> list ? list.Select(x => (string)x!).ToArray() : null,
            Get("learningRate", 3e-3), Get("epochs", 1.0),
            value.TryGetValue("steps", out var s) && s is not null ? Convert.ToInt32(s, System.Globalization.CultureInfo.InvariantCulture) : null,
            Get("batchSize", 16), Get("seed", 1L),
            Get<string?>("schedule", null),
            value.TryGetValue("labelSmoothing", out var e) && e is not null ? Convert.ToDouble(e, System.Globalization.CultureInfo.InvariantCulture) : null,
            value.TryGetValue("earlyStopping", out var p) && p is not null ? Convert.ToInt32(p, System.Globalization.CultureInfo.InvariantCulture) : null,
            Get<string?>("labelScoring", null));
    }
}
