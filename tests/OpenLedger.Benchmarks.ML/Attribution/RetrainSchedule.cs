using System.Diagnostics;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.BaseModel;

namespace OpenLedger.Benchmarks.ML.Attribution;

/// <summary>How the truthfulness benchmarks retrain: a fresh adapter with <see cref="LexnameAdapterSetup"/>'s lexname
/// recipe, every retrain from the same <see cref="Seed"/> (the same initial adapter and the same dropout and batch-order
/// seeds), so what differs between two retrains is the data they saw and not the luck of the draw.</summary>
public sealed record RetrainSchedule(double Epochs, int BatchSize, long Seed)
{
    /// <summary>Optimiser steps for <paramref name="examples"/> training examples.</summary>
    public int Steps(int examples) => Math.Max(1, (int)Math.Ceiling(Epochs * examples / BatchSize));

    /// <summary>Trains a fresh adapter on <paramref name="train"/> for <paramref name="steps"/> steps, returns the
    /// log-probability of each query's answer under it and the training time, and takes the adapter off the model
    /// again (the base is as before).</summary>
    public (double[] LogProbabilities, TimeSpan Elapsed) Retrain(LoadedBaseModel loaded, IReadOnlyList<AttributionRow> train,
        IReadOnlyList<AttributionRow> queries, int steps)
    {
        var clock = Stopwatch.StartNew();
        var (adapter, _) = LexnameAdapterSetup.Train(loaded, train, steps, BatchSize, Seed);
        var elapsed = clock.Elapsed;
        try
        {
            return (AnswerLoss.Of(loaded.Model, queries).Select(l => -l).ToArray(), elapsed);
        }
        finally
        {
            adapter.Remove(loaded.Model);
        }
    }
}
