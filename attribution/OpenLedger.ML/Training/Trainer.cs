using System.Diagnostics;
using OpenLedger.ML.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OpenLedger.ML.Training;

/// <summary>
/// Trains a GPT-2 (all its weights, or only a LoRA adapter's) on a causal LM objective with AdamW, a warmup + cosine
/// learning rate and gradient clipping. Every step is a pure function of the state before it: batch k is
/// <see cref="TokenBatches.Batch"/>(k), the learning rate a function of k, dropout re-seeded from (seed, k); so a run
/// resumed from a checkpoint ends with exactly the weights of an uninterrupted one (bit for bit when libtorch runs on
/// one thread: see <see cref="Runtime.TorchDeterminism.SingleThreaded"/>).
/// </summary>
public sealed class Trainer
{
    private readonly Gpt2Model _model;
    private readonly IReadOnlyList<(string Name, Parameter Parameter)> _parameters;

    /// <param name="parameters">what to train, by name; null: every parameter of the model that requires a gradient
    /// (after <c>LoraAdapter.Apply</c>, the adapter's A and B only)</param>
    public Trainer(Gpt2Model model, TrainerOptions options, IReadOnlyList<(string Name, Parameter Parameter)>? parameters = null)
    {
        _model = model;
        Options = options;
        _parameters = parameters ?? model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
        if (_parameters.Count == 0) throw new ArgumentException("nothing to train: no parameter requires a gradient");
        if (_parameters.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != _parameters.Count)
            throw new ArgumentException("trained parameters need distinct names");
    }

    public TrainerOptions Options { get; }

    /// <summary>Trains to the configured number of steps (or until early stopping ends the run, with the best held-out
    /// evaluation's weights). With a checkpoint store (or directory) that holds a checkpoint,
    /// continues from it. Cancellation is checked between steps: a cancelled run writes a checkpoint at the last finished step
    /// (when a directory is configured) and throws <see cref="OperationCanceledException"/>.</summary>
    public TrainingResult Train(TokenBatches train, TokenBatches? heldOut = null, Action<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var totalSteps = Options.TotalSteps(train.BatchesPerEpoch);
        var names = _parameters.Select(p => p.Name).ToList();
        using var optimizer = new AdamWOptimizer(_parameters.Select(p => p.Parameter).ToList(),
            Options.Beta1, Options.Beta2, Options.Epsilon, Options.WeightDecay);

        int step = 0;
        long tokens = 0;
        double lastLoss = double.NaN;
        double? initialEval = null;
        var checkpoints = Options.Checkpoints;
        // Early stopping needs something to evaluate on; without held-out data the run trains every step.
        var earlyStopping = heldOut != null && Options.EvalEvery > 0 && Options.EarlyStoppingPatience is > 0;
        EarlyStoppingState? stopping = null;
        List<Tensor>? best = null;
        if (checkpoints?.Load() is (TrainingCheckpoint state, byte[] tensorBytes))
        {
            var tensors = TrainingCheckpoint.Deserialize(state, tensorBytes, checkpoints.ToString() ?? "checkpoint");
            try
            {
                if (state.Seed != Options.Seed || state.TotalSteps != totalSteps)
                    throw new InvalidOperationException(
                        $"the checkpoint in {checkpoints} is of another run (seed {state.Seed}, {state.TotalSteps} steps; " +
                        $"this run: seed {Options.Seed}, {totalSteps} steps)");
                Restore(tensors, optimizer, state.Step);
                if (earlyStopping && state.EarlyStopping is { } saved)
                {
                    stopping = saved;
                    best = _parameters.Select(p => Tensor(tensors, TrainingCheckpoint.BestPrefix + p.Name, p.Parameter).detach().clone()).ToList();
                }
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
            (step, tokens, lastLoss, initialEval) = (state.Step, state.TokensTrained, state.LastLoss, state.InitialEvalLoss);
        }
        var resumedFrom = step;

        var clock = Stopwatch.StartNew();
        if (heldOut != null && Options.EvalEvery > 0 && step == 0)
        {
            initialEval = Evaluate(_model, heldOut, Options.EvalMaxRows).Loss;
            progress?.Invoke(new TrainingProgress(0, totalSteps, double.NaN, 0, initialEval, 0, clock.Elapsed, TimeSpan.Zero));
        }
        double? lastEval = null;
        long tokensThisRun = 0;
        var trainClock = Stopwatch.StartNew();

        _model.train();
        while (step < totalSteps && stopping is not { Stopped: true })
        {
            if (cancellationToken.IsCancellationRequested)
            {
                if (checkpoints != null) SaveCheckpoint(checkpoints, step, totalSteps, tokens, lastLoss, initialEval, optimizer, stopping, best);
                cancellationToken.ThrowIfCancellationRequested();
            }
            var learningRate = Options.LearningRateAt(step, totalSteps);
            _model.ReseedDropout(unchecked(Options.Seed * 1_000_003 + step));
            using (var scope = torch.NewDisposeScope())
            using (var batch = train.Batch(step))
            {
                optimizer.ZeroGrad();
                var loss = _model.Loss(batch.Inputs, batch.Targets, batch.Mask, Options.LabelSmoothing);
                loss.backward();
                if (Options.MaxGradientNorm > 0) nn.utils.clip_grad_norm_(_parameters.Select(p => p.Parameter), Options.MaxGradientNorm);
                optimizer.Update(learningRate);
                lastLoss = loss.item<float>();
                tokens += batch.TokenCount;
                tokensThisRun += batch.TokenCount;
            }
            step++;

            double? eval = null;
            if (heldOut != null && Options.EvalEvery > 0 && (step % Options.EvalEvery == 0 || step == totalSteps))
            {
                eval = lastEval = Evaluate(_model, heldOut, Options.EvalMaxRows).Loss;
                _model.train();
                if (earlyStopping) stopping = Judge(stopping, step, eval.Value, ref best);
            }
            if (stopping is not null && (stopping.Stopped || step == totalSteps))
            {
                // The run ends here (patience ran out, or the last step) with the best evaluation's weights, and the
                // checkpoint says so: a resumed attempt (a cancelled job's next run) goes straight to the end.
                stopping = stopping with { Stopped = true };
                RestoreBest(best!);
                if (checkpoints != null) SaveCheckpoint(checkpoints, step, totalSteps, tokens, lastLoss, initialEval, optimizer, stopping, best);
            }
            else if (checkpoints != null && (step == totalSteps || (Options.CheckpointEvery > 0 && step % Options.CheckpointEvery == 0)))
                SaveCheckpoint(checkpoints, step, totalSteps, tokens, lastLoss, initialEval, optimizer, stopping, best);

            var seconds = trainClock.Elapsed.TotalSeconds;
            var perStep = seconds / (step - resumedFrom);
            progress?.Invoke(new TrainingProgress(step, totalSteps, lastLoss, learningRate, eval,
                seconds > 0 ? tokensThisRun / seconds : 0, clock.Elapsed, TimeSpan.FromSeconds(perStep * (totalSteps - step))));
        }
        if (stopping is not null) lastEval = stopping.BestEvalLoss;
        else if (heldOut != null && Options.EvalEvery > 0 && lastEval == null) lastEval = Evaluate(_model, heldOut, Options.EvalMaxRows).Loss;
        if (best != null) foreach (var t in best) t.Dispose();
        return new TrainingResult(step, resumedFrom, lastLoss, initialEval, lastEval, tokens, clock.Elapsed, stopping);
    }

    /// <summary>Early stopping's verdict after an evaluation: a lower held-out loss becomes the best (its weights kept
    /// aside), otherwise one more evaluation without progress; <see cref="TrainerOptions.EarlyStoppingPatience"/> of
    /// those in a row stop the run.</summary>
    private EarlyStoppingState Judge(EarlyStoppingState? state, int step, double evalLoss, ref List<Tensor>? best)
    {
        if (state is null || evalLoss < state.BestEvalLoss)
        {
            using var noGrad = torch.no_grad();
            if (best == null) best = _parameters.Select(p => p.Parameter.detach().clone()).ToList();
            else for (var i = 0; i < best.Count; i++) best[i].copy_(_parameters[i].Parameter);
            return new EarlyStoppingState(step, evalLoss, 0, false);
        }
        var since = state.EvalsSinceBest + 1;
        return state with { EvalsSinceBest = since, Stopped = since >= Options.EarlyStoppingPatience };
    }

    private void RestoreBest(List<Tensor> best)
    {
        using var noGrad = torch.no_grad();
        for (var i = 0; i < best.Count; i++) _parameters[i].Parameter.copy_(best[i]);
    }

    /// <summary>The model's mean next-token loss per counted token over <paramref name="data"/> (in stored order,
    /// dropout off), and each row's own mean loss. Leaves the model in eval mode.</summary>
    public static EvaluationResult Evaluate(Gpt2Model model, TokenBatches data, int? maxRows = null)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        double total = 0;
        long count = 0;
        var rowLosses = new List<double>();
        foreach (var batch in data.InOrder(maxRows))
        {
            using (batch)
            using (var scope = torch.NewDisposeScope())
            {
                var logits = model.call(batch.Inputs);
                var perToken = nn.functional.cross_entropy(logits.view(-1, logits.shape[2]).to(ScalarType.Float64),
                    batch.Targets.reshape(-1), reduction: nn.Reduction.None).view(batch.Targets.shape);
                var mask = batch.Mask.to(ScalarType.Float64);
                var rowSums = (perToken * mask).sum(1).data<double>().ToArray();
                var rowCounts = mask.sum(1).data<double>().ToArray();
                for (var r = 0; r < rowSums.Length; r++)
                {
                    total += rowSums[r];
                    count += (long)rowCounts[r];
                    rowLosses.Add(rowCounts[r] > 0 ? rowSums[r] / rowCounts[r] : double.NaN);
                }
            }
        }
        return new EvaluationResult(count > 0 ? total / count : double.NaN, count, rowLosses);
    }

    private void SaveCheckpoint(ITrainingCheckpointStore store, int step, int totalSteps, long tokens, double lastLoss, double? initialEval,
        AdamWOptimizer optimizer, EarlyStoppingState? stopping = null, List<Tensor>? best = null)
    {
        if (optimizer.Step != step)
            throw new InvalidOperationException($"AdamW's step counter {optimizer.Step} does not match the trainer's step {step}");
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 0; i < _parameters.Count; i++)
        {
            var name = _parameters[i].Name;
            tensors[name] = _parameters[i].Parameter;
            tensors[TrainingCheckpoint.ExpAvgPrefix + name] = optimizer.ExpAvg[i];
            tensors[TrainingCheckpoint.ExpAvgSqPrefix + name] = optimizer.ExpAvgSq[i];
            if (stopping != null && best != null) tensors[TrainingCheckpoint.BestPrefix + name] = best[i];
        }
        var (state, bytes) = TrainingCheckpoint.Serialize(
            new TrainingCheckpoint(step, totalSteps, step, Options.Seed, tokens, lastLoss, initialEval, "", stopping), tensors);
        store.Save(state, bytes);
    }

    private void Restore(IReadOnlyDictionary<string, Tensor> tensors, AdamWOptimizer optimizer, int step)
    {
        using var noGrad = torch.no_grad();
        for (var i = 0; i < _parameters.Count; i++)
        {
            var (name, parameter) = _parameters[i];
            Copy(tensors, name, parameter);
            Copy(tensors, TrainingCheckpoint.ExpAvgPrefix + name, optimizer.ExpAvg[i]);
            Copy(tensors, TrainingCheckpoint.ExpAvgSqPrefix + name, optimizer.ExpAvgSq[i]);
        }
        optimizer.Step = step;
    }

    private static void Copy(IReadOnlyDictionary<string, Tensor> tensors, string name, Tensor target) =>
        target.copy_(Tensor(tensors, name, target));

    /// <summary>The checkpoint's tensor <paramref name="name"/>, checked to have <paramref name="like"/>'s shape.</summary>
    private static Tensor Tensor(IReadOnlyDictionary<string, Tensor> tensors, string name, Tensor like)
    {
        if (!tensors.TryGetValue(name, out var source)) throw new InvalidDataException($"the checkpoint has no tensor '{name}'");
        if (!source.shape.SequenceEqual(like.shape))
            throw new InvalidDataException($"{name}: checkpoint shape [{string.Join(", ", source.shape)}], expected [{string.Join(", ", like.shape)}]");
        return source;
    }
}
