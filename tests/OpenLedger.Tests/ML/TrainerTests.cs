using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.SafeTensors;
using OpenLedger.ML.Training;
using TorchSharp;

namespace OpenLedger.Tests.ML;

/// <summary>The trainer: learning, bit-for-bit determinism on one thread, resume and cancellation.</summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    private static readonly Gpt2Config Tiny = Gpt2Tests.Tiny;   // dropout 0.1: resume must replay it too
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ol-trainer-" + Guid.NewGuid().ToString("N"));
    private readonly IDisposable _singleThreaded;

    public TrainerTests()
    {
        TorchRuntime.EnsureLoaded();
        _singleThreaded = TorchDeterminism.SingleThreaded();
    }

    public void Dispose()
    {
        _singleThreaded.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A patterned stream (counting modulo 13, restarting at random points) a tiny model can learn fast.</summary>
    private static TokenBatches Data(long seed, int batchSize = 8)
    {
        var random = new Random(5);
        var tokens = new List<int>();
        while (tokens.Count < 2000)
        {
            var start = random.Next(13);
            for (var i = 0; i < 20; i++) tokens.Add(1 + (start + i) % 13);
            tokens.Add(0);
        }
        return TokenBatches.FromStream(tokens, Tiny.ContextLength, batchSize, seed, padId: 0);
    }

    private static TrainerOptions Options(string? checkpoints = null) => new()
    {
        Steps = 12, BatchSize = 8, LearningRate = 1e-2, WarmupSteps = 3, Seed = 3, CheckpointDirectory = checkpoints,
    };

    private static string WeightsHash(Gpt2Model model) =>
        Keccak256.Hash(TorchSafeTensors.Serialize(model.named_parameters().ToDictionary(p => p.name, p => (torch.Tensor)p.parameter))).ToString();

    [Fact]
    public void Training_lowers_the_held_out_loss()
    {
        using var model = new Gpt2Model(Tiny, seed: 1);
        var progress = new List<TrainingProgress>();
        var result = new Trainer(model, Options() with { Steps = 40, EvalEvery = 20 }).Train(Data(3), Data(99), progress.Add);

        Assert.Equal(40, result.Steps);
        Assert.NotNull(result.InitialEvalLoss);
        Assert.True(result.FinalEvalLoss < result.InitialEvalLoss - 1.0, $"held-out loss {result.InitialEvalLoss} -> {result.FinalEvalLoss}");
        Assert.Equal(Enumerable.Range(0, 41), progress.Select(p => p.Step));
        Assert.Equal([0, 20, 40], progress.Where(p => p.EvalLoss != null).Select(p => p.Step));
        Assert.All(progress.Skip(1), p => Assert.True(p.TokensPerSecond > 0 && p.LearningRate > 0));
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_another_seed_different_ones()
    {
        string Run(long seed)
        {
            using var model = new Gpt2Model(Tiny, seed: 1);
            new Trainer(model, Options() with { Seed = seed }).Train(Data(seed));
            return WeightsHash(model);
        }

        Assert.Equal(Run(3), Run(3));
        Assert.NotEqual(Run(3), Run(4));
    }

    [Fact]
    public void Cancelling_stops_within_a_step_and_resuming_ends_with_the_uninterrupted_weights()
    {
        using var uninterrupted = new Gpt2Model(Tiny, seed: 1);
        new Trainer(uninterrupted, Options()).Train(Data(3));

        using var cancel = new CancellationTokenSource();
        using (var first = new Gpt2Model(Tiny, seed: 1))
        {
            var steps = new List<int>();
            Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(first, Options(_dir)).Train(Data(3), null,
                p => { steps.Add(p.Step); if (p.Step == 5) cancel.Cancel(); }, cancel.Token));
            Assert.Equal(5, steps.Max());
        }
        var (state, tensors) = TrainingCheckpoint.Load(_dir);
        foreach (var t in tensors.Values) t.Dispose();
        Assert.Equal(5, state.Step);
        Assert.Equal(5, state.DataPosition);

        // A fresh process would build the model from scratch: another initialisation proves the checkpoint restores it.
        using var resumed = new Gpt2Model(Tiny, seed: 42);
        var result = new Trainer(resumed, Options(_dir)).Train(Data(3));
        Assert.Equal(5, result.ResumedFromStep);
        Assert.Equal(12, result.Steps);
        Assert.Equal(WeightsHash(uninterrupted), WeightsHash(resumed));
    }

    [Fact]
    public void A_checkpoint_of_another_run_is_refused()
    {
        using (var model = new Gpt2Model(Tiny, seed: 1)) new Trainer(model, Options(_dir) with { Steps = 2 }).Train(Data(3));
        using var other = new Gpt2Model(Tiny, seed: 1);
        Assert.Throws<InvalidOperationException>(() => new Trainer(other, Options(_dir) with { Seed = 9 }).Train(Data(9)));
    }

    [Fact]
    public void Training_an_adapter_changes_only_the_adapter_and_its_checkpoint_holds_only_it()
    {
        using var model = new Gpt2Model(Tiny with { Dropout = 0 }, seed: 1);
        var baseBefore = WeightsHash(model);
        var adapter = LoraAdapter.Apply(model, new LoraConfig(Rank: 2, Alpha: 4, LoraConfig.AllProjections), seed: 2);
        var result = new Trainer(model, Options(_dir) with { Steps = 10, EvalEvery = 10 }).Train(Data(3), Data(99));

        Assert.True(result.FinalEvalLoss < result.InitialEvalLoss);
        Assert.Contains(adapter.Layers, l => l.Layer.B.abs().sum().item<float>() > 0);
        var (_, tensors) = TrainingCheckpoint.Load(_dir);
        Assert.All(tensors.Keys, k => Assert.Contains(".lora_", k));
        foreach (var t in tensors.Values) t.Dispose();
        adapter.Remove(model);
        Assert.Equal(baseBefore, WeightsHash(model));
    }

    [Fact]
    public void The_learning_rate_warms_up_linearly_then_decays_on_a_cosine_to_the_floor()
    {
        var options = new TrainerOptions { Steps = 11, LearningRate = 1.0, WarmupSteps = 2, MinLearningRateRatio = 0.1 };
        Assert.Equal(0.5, options.LearningRateAt(0, 11), 12);
        Assert.Equal(1.0, options.LearningRateAt(1, 11), 12);
        Assert.Equal(1.0, options.LearningRateAt(2, 11), 12);
        Assert.Equal(0.55, options.LearningRateAt(6, 11), 12);
        Assert.Equal(0.1, options.LearningRateAt(10, 11), 12);
        Assert.Equal(3, new TrainerOptions { Epochs = 1.5 }.TotalSteps(batchesPerEpoch: 2));
    }

    [Fact]
    public void Linear_and_constant_schedules_follow_their_shape_after_the_same_warmup()
    {
        var linear = new TrainerOptions { Steps = 11, LearningRate = 1.0, WarmupSteps = 2, MinLearningRateRatio = 0.1, Schedule = LearningRateSchedule.Linear };
        Assert.Equal(0.5, linear.LearningRateAt(0, 11), 12);
        Assert.Equal(1.0, linear.LearningRateAt(2, 11), 12);
        Assert.Equal(0.55, linear.LearningRateAt(6, 11), 12);
        Assert.Equal(0.775, linear.LearningRateAt(4, 11), 12);
        Assert.Equal(0.1, linear.LearningRateAt(10, 11), 12);
        var constant = linear with { Schedule = LearningRateSchedule.Constant };
        Assert.Equal(0.5, constant.LearningRateAt(0, 11), 12);
        Assert.All(Enumerable.Range(1, 10), k => Assert.Equal(1.0, constant.LearningRateAt(k, 11), 12));
    }

    [Fact]
    public void Label_smoothing_changes_the_training_loss_but_not_the_held_out_one()
    {
        using var model = new Gpt2Model(Tiny with { Dropout = 0 }, seed: 1);
        using var batch = Data(3).Batch(0);
        var plain = model.Loss(batch.Inputs, batch.Targets, batch.Mask).item<float>();
        Assert.Equal(plain, model.Loss(batch.Inputs, batch.Targets, batch.Mask, labelSmoothing: 0).item<float>());
        Assert.NotEqual(plain, model.Loss(batch.Inputs, batch.Targets, batch.Mask, labelSmoothing: 0.1).item<float>());

        string Run(double smoothing)
        {
            using var m = new Gpt2Model(Tiny, seed: 1);
            new Trainer(m, Options() with { LabelSmoothing = smoothing }).Train(Data(3));
            return WeightsHash(m);
        }
        Assert.NotEqual(Run(0), Run(0.1));
        Assert.Equal(Run(0.1), Run(0.1));
    }

    /// <summary>A learning rate high enough to overfit the tiny held-out set quickly: the held-out loss falls, then rises.</summary>
    private static TrainerOptions Overfitting(string? checkpoints = null) => Options(checkpoints) with
    {
        Steps = 60, EvalEvery = 4, LearningRate = 5e-2, EarlyStoppingPatience = 2,
    };

    private static TokenBatches HeldOut() => TokenBatches.FromStream(Enumerable.Range(0, 200).Select(i => 1 + (i * 7) % 13).ToList(), Tiny.ContextLength, 8, 0, 0);

    [Fact]
    public void Early_stopping_ends_with_the_best_evaluations_weights()
    {
        using var model = new Gpt2Model(Tiny with { Dropout = 0 }, seed: 1);
        var evals = new List<(int Step, double Loss)>();
        var result = new Trainer(model, Overfitting()).Train(Data(3), HeldOut(), p => { if (p.EvalLoss is { } e && p.Step > 0) evals.Add((p.Step, e)); });

        var stopping = Assert.IsType<EarlyStoppingState>(result.EarlyStopping);
        Assert.True(stopping.Stopped);
        var best = evals.MinBy(e => e.Loss);
        Assert.Equal(best.Step, stopping.BestStep);
        Assert.Equal(best.Loss, stopping.BestEvalLoss);
        Assert.Equal(best.Loss, result.FinalEvalLoss);
        // The model holds the best evaluation's weights: evaluating it again gives that loss.
        Assert.Equal(best.Loss, Trainer.Evaluate(model, HeldOut()).Loss, 9);
        if (result.Steps < 60)
        {
            // Stopped by patience: exactly two evaluations after the best, none better.
            Assert.Equal(best.Step + 2 * 4, result.Steps);
            Assert.All(evals.Where(e => e.Step > best.Step), e => Assert.True(e.Loss >= best.Loss));
        }
    }

    [Fact]
    public void Early_stopping_resumes_bit_for_bit_and_a_stopped_run_resumes_to_its_end()
    {
        using var uninterrupted = new Gpt2Model(Tiny, seed: 1);
        var expected = new Trainer(uninterrupted, Overfitting()).Train(Data(3), HeldOut());

        // Cancelled after the first evaluation (best weights in the checkpoint), then resumed in a fresh model.
        using var cancel = new CancellationTokenSource();
        using (var first = new Gpt2Model(Tiny, seed: 1))
            Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(first, Overfitting(_dir)).Train(Data(3), HeldOut(),
                p => { if (p.Step == 6) cancel.Cancel(); }, cancel.Token));
        using var resumed = new Gpt2Model(Tiny, seed: 42);
        var result = new Trainer(resumed, Overfitting(_dir)).Train(Data(3), HeldOut());
        Assert.Equal(6, result.ResumedFromStep);
        Assert.Equal(expected.Steps, result.Steps);
        Assert.Equal(expected.EarlyStopping, result.EarlyStopping);
        Assert.Equal(WeightsHash(uninterrupted), WeightsHash(resumed));

        // The checkpoint of the finished run says it stopped: another attempt trains nothing and ends the same.
        var (state, tensors) = TrainingCheckpoint.Load(_dir);
        foreach (var t in tensors.Values) t.Dispose();
        Assert.True(state.EarlyStopping?.Stopped);
        using var again = new Gpt2Model(Tiny, seed: 7);
        var repeat = new Trainer(again, Overfitting(_dir)).Train(Data(3), HeldOut());
        Assert.Equal(expected.Steps, repeat.ResumedFromStep);
        Assert.Equal(WeightsHash(uninterrupted), WeightsHash(again));
    }

    [Fact]
    public void Without_held_out_data_early_stopping_is_off_and_every_step_trains()
    {
        using var model = new Gpt2Model(Tiny, seed: 1);
        var result = new Trainer(model, Overfitting()).Train(Data(3));
        Assert.Equal(60, result.Steps);
        Assert.Null(result.EarlyStopping);
    }
}
