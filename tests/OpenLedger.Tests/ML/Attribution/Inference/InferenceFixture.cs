using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Runtime;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML.Attribution.Inference;

/// <summary>A real Model Factory run (the built-in base model, the 40 FineTuneTests glosses as a text-label datanet, a
/// rank-4 adapter, a few steps, one thread): its adapter, training record (/2, naming both indexes) and index bytes are
/// exactly what a node's content store holds for a registered model. Built once for the test classes that use it.</summary>
public sealed class InferenceFixture
{
    public InferenceFixture()
    {
        TorchRuntime.EnsureLoaded();
        Run = FineTuneRun.Run(TestBaseModel.Directory, FineTuneTests.Dataset(),
            new FineTuneSpec { Rank = 4, Alpha = 8, Steps = 6, BatchSize = 8, LearningRate = 5e-3, Seed = 11 }, checkpointDirectory: null, threads: 1);
    }

    public FineTuneResult Run { get; }

    public static readonly Hash32 Model = Keccak256.Hash("inference-fixture model");

    /// <summary>The served inference of <paramref name="input"/> answered <paramref name="output"/>, with every artifact.</summary>
    public AttributionInputs Inputs(string input = "hammer: a hand tool with a heavy head", string output = "noun.artifact", int maxAttributions = 8,
        string inference = "inference 1") =>
        new(Keccak256.Hash(inference), Model, 1, Run.AdapterHash, Run.Adapter, Run.RecordHash, Run.RecordBytes,
            Run.Attribution.InfluenceIndex, Run.Attribution.SpanIndex, TaskKind.TextLabel, input, output, maxAttributions);

    /// <summary><paramref name="inputs"/> with a training record rewritten by <paramref name="change"/> (and its hash).</summary>
    public static AttributionInputs WithRecord(AttributionInputs inputs, TrainingRecord record)
    {
        var bytes = record.ToBytes();
        return inputs with { TrainingRecordBytes = bytes, TrainingRecordHash = Keccak256.Hash(bytes) };
    }

    /// <summary>A training record naming <paramref name="indexBytes"/> as its influence index.</summary>
    public TrainingRecord RecordNamingIndex(byte[] indexBytes) => Run.Record with
    {
        Attribution = Run.Record.Attribution! with
        {
            InfluenceIndex = Run.Record.Attribution!.InfluenceIndex with { Keccak = Keccak256.Hash(indexBytes).ToString(), Bytes = indexBytes.Length },
        },
    };

    public static InferenceAttributor NewAttributor() => InferenceAttributor.Open(TestBaseModel.Directory);
}
