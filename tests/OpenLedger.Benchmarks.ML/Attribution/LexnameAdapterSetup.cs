using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Evaluation;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Training;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>What the attribution benchmarks share: WordNet lexname examples as the index sees them (text-label rows
/// on the built-in base) and a LoRA adapter trained on them with Model Factory's lexname settings
/// (<see cref="LexnameEvaluation.DefaultSpec"/>: rank 8, alpha 16 on every projection, AdamW at 5e-3, no weight decay,
/// warmup of a tenth of the steps up to 100, cosine decay), for a number of steps each benchmark chooses.</summary>
public static class LexnameAdapterSetup
{
    public static AttributionRow Row(LoadedBaseModel loaded, TaskExample example)
    {
        var (tokens, first) = TaskPrompt.Row(TaskKind.TextLabel, loaded.Tokenizer, example, loaded.Model.Config.ContextLength + 1);
        return new AttributionRow(tokens, first);
    }

    /// <summary>The example's row and its contribution: the keccak of its content as a datanet holds it.</summary>
    public static IndexedExample Indexed(LoadedBaseModel loaded, TaskExample example) =>
        new(Row(loaded, example), Keccak256.Hash(TaskExampleFormat.Format(TaskKind.TextLabel, example)));

    /// <summary>Applies a fresh adapter to the loaded model and trains it on <paramref name="rows"/>.</summary>
    public static (LoraAdapter Adapter, TrainingResult Trained) Train(LoadedBaseModel loaded, IEnumerable<AttributionRow> rows, int steps, int batchSize,
        long seed)
    {
        var spec = LexnameEvaluation.DefaultSpec;
        var adapter = LoraAdapter.Apply(loaded.Model, spec.Lora, seed);
        var config = loaded.Model.Config;
        var batches = TokenBatches.FromMaskedExamples(rows.Select(r => (r.Tokens, r.FirstTarget)), config.ContextLength, batchSize, seed,
            loaded.Tokenizer.EndOfTextId);
        var trainer = new Trainer(loaded.Model, new TrainerOptions
        {
            Steps = steps, BatchSize = batchSize, LearningRate = spec.LearningRate, WarmupSteps = Math.Min(100, steps / 10), WeightDecay = 0, Seed = seed,
        });
        return (adapter, trainer.Train(batches));
    }
}
