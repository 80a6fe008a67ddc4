using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.SafeTensors;
using OpenLedger.ML.Serving;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML;

/// <summary>An adapter is checked against the base model when the cache loads it: anything the base model cannot run is
/// refused there with <see cref="InvalidAdapterException"/> (code InvalidAdapter), a message naming the layer and the
/// mismatch, and quarantined, instead of failing the batches it would land in. The base here is the tiny test GPT-2:
/// d 32, 2 layers, so c_attn is 32 → 96, attn.c_proj 32 → 32, c_fc 32 → 128, mlp.c_proj 128 → 32.</summary>
public class ServingAdapterValidationTests
{
    static ServingAdapterValidationTests() => TorchRuntime.EnsureLoaded();

    private static (string, long[], long[]) Layer(string module, long rank, long inFeatures, long outFeatures) =>
        (module, [rank, inFeatures], [outFeatures, rank]);

    private static readonly (string, long[], long[]) GoodAttention = Layer("h.0.attn.c_attn", 4, 32, 96);

    /// <summary>Each case: a hand-built artifact, and what the refusal must say.</summary>
    public static TheoryData<string, string> BadArtifacts => new()
    {
        { "wrong in-features", "h.1.attn.c_attn: A is [4, 64], the projection takes 32 inputs" },
        { "wrong out-features", "h.0.mlp.c_fc: B is [64, 4], the projection gives 128 outputs" },
        { "unknown layer", "layer 'h.7.attn.c_attn' is not a projection of the base model" },
        { "not a projection", "layer 'h.0.attn.q_proj' is not a projection of the base model" },
        { "rank mismatch", "h.0.attn.c_attn has A [4, 32] and B [96, 5]" },
        { "NaN in A", "h.0.attn.c_attn: A holds NaN or infinite values" },
        { "infinity in B", "h.0.attn.c_attn: B holds NaN or infinite values" },
        { "float64", "h.0.attn.c_attn: A is Float64 and B Float64; the base model's weights are Float32" },
        { "int64", "h.0.attn.c_attn: A is Int64 and B Int64; the base model's weights are Float32" },
        { "rank above the projection's size", "h.0.attn.c_proj: rank 40 is outside [1, 32]" },
        { "infinite alpha", "h.0.attn.c_attn: scaling alpha / rank" },
        { "not safetensors", "header" },
    };

    private static (byte[] Bytes, Hash32 Id) Build(string name)
    {
        using var nan = float.NaN.ToScalar();
        using var infinity = float.PositiveInfinity.ToScalar();
        return name switch
        {
            "wrong in-features" => ServingTestAdapter.Artifact([GoodAttention, Layer("h.1.attn.c_attn", 4, 64, 96)]),
            "wrong out-features" => ServingTestAdapter.Artifact([GoodAttention, Layer("h.0.mlp.c_fc", 4, 32, 64)]),
            "unknown layer" => ServingTestAdapter.Artifact([GoodAttention, Layer("h.7.attn.c_attn", 4, 32, 96)]),
            "not a projection" => ServingTestAdapter.Artifact([Layer("h.0.attn.q_proj", 4, 32, 32)]),
            "rank mismatch" => ServingTestAdapter.Artifact([("h.0.attn.c_attn", [4, 32], [96, 5])]),
            "NaN in A" => ServingTestAdapter.Artifact([GoodAttention], edit: (n, t) =>
            {
                if (n.EndsWith("lora_A", StringComparison.Ordinal)) { using var cell = t.view(-1)[17]; cell.fill_(nan); }
            }),
            "infinity in B" => ServingTestAdapter.Artifact([GoodAttention], edit: (n, t) =>
            {
                if (n.EndsWith("lora_B", StringComparison.Ordinal)) { using var cell = t.view(-1)[3]; cell.fill_(infinity); }
            }),
            "float64" => ServingTestAdapter.Artifact([GoodAttention], dtype: ScalarType.Float64),
            "int64" => ServingTestAdapter.Artifact([GoodAttention], dtype: ScalarType.Int64),
            "rank above the projection's size" => ServingTestAdapter.Artifact([Layer("h.0.attn.c_proj", 40, 32, 32)]),
            "infinite alpha" => ServingTestAdapter.Artifact([GoodAttention], alpha: "Infinity"),
            "not safetensors" => Raw("these bytes are a text, not an adapter"u8.ToArray()),
            _ => throw new ArgumentException(name),
        };

        static (byte[], Hash32) Raw(byte[] bytes) => (bytes, Keccak256.Hash(bytes));
    }

    [Theory]
    [MemberData(nameof(BadArtifacts))]
    public async Task A_bad_artifact_is_refused_at_load_naming_the_layer_and_the_mismatch_and_is_quarantined(string name, string expected)
    {
        var bad = Build(name);
        using var model = new Gpt2Model(ServingTestAdapter.Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        var loader = new ServingTestAdapter.CountingLoader([bad]);
        using var cache = new AdapterCache(1 << 22, loader.LoadAsync, AdapterValidator.For(serving));

        var refused = await Assert.ThrowsAsync<InvalidAdapterException>(() => cache.AcquireAsync(bad.Id));

        Assert.Equal(bad.Id, refused.Id);
        Assert.Contains(expected, refused.Reason);
        Assert.Equal($"adapter {bad.Id} is quarantined: {refused.Reason}", refused.Message);
        Assert.Equal("InvalidAdapter", InvalidAdapterException.Code);
        var metrics = cache.Metrics(bad.Id)!;
        Assert.Equal((AdapterState.Quarantined, refused.Reason, 0), (metrics.State, metrics.QuarantineReason, metrics.Loads));
        Assert.Equal(0, cache.UsedBytes);
        Assert.Equal(refused.Reason, cache.QuarantineReason(bad.Id));
        Assert.Equal(1, loader.Calls);
    }

    [Fact]
    public async Task A_mis_shaped_adapter_is_refused_at_load_and_quarantined()
    {
        // Trained for a wider base (d 64): every shape chains, so it parses, but no layer fits the served model.
        using var wider = new Gpt2Model(ServingTestAdapter.Tiny with { ModelDim = 64 }, ServingTestAdapter.BaseSeed);
        var bytes = ServedAdapter.Serialize(LoraAdapter.Apply(wider, new LoraConfig(4, 8, LoraConfig.AllProjections), seed: 2));
        var misShaped = (bytes, SafeTensorsFile.Hash(bytes));
        using var model = new Gpt2Model(ServingTestAdapter.Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        var loader = new ServingTestAdapter.CountingLoader([misShaped]);
        using var cache = new AdapterCache(1 << 22, loader.LoadAsync, AdapterValidator.For(serving));

        var refused = await Assert.ThrowsAsync<InvalidAdapterException>(() => cache.AcquireAsync(misShaped.Item2));

        Assert.Equal("h.0.attn.c_attn: A is [4, 64], the projection takes 32 inputs (A must be [r, 32])", refused.Reason);
        Assert.Equal(AdapterState.Quarantined, cache.Metrics(misShaped.Item2)!.State);
        Assert.Equal(0, cache.UsedBytes);
    }

    [Fact]
    public async Task Every_adapter_training_makes_passes_validation()
    {
        var trained = ServingTestAdapter.Mix.Concat([new LoraConfig(32, 32, LoraConfig.AllProjections)])
            .Select((config, i) => new ServingTestAdapter(config, seed: 60 + i)).ToList();
        using var model = new Gpt2Model(ServingTestAdapter.Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        using var cache = new AdapterCache(1 << 24, ServingTestAdapter.Loader(trained), AdapterValidator.For(serving));

        foreach (var adapter in trained)
        {
            using var lease = await cache.AcquireAsync(adapter.Id);
            Assert.Equal(AdapterState.Resident, cache.Metrics(adapter.Id)!.State);
        }
        Assert.All(trained, t => Assert.Null(cache.QuarantineReason(t.Id)));
        foreach (var t in trained) t.Dispose();
    }

    [Fact]
    public void The_served_rank_is_bounded()
    {
        using var model = new Gpt2Model(ServingTestAdapter.Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        var validator = AdapterValidator.For(serving, maxRank: 8);
        var (bytes, id) = ServingTestAdapter.Artifact([Layer("h.0.mlp.c_fc", 9, 32, 128)]);
        using var adapter = ServedAdapter.Parse(id, bytes);

        Assert.Equal("h.0.mlp.c_fc: rank 9 is outside [1, 8] (the served maximum 8 and the projection's size)", validator.Problem(adapter));
        Assert.Equal(AdapterValidator.DefaultMaxRank, AdapterValidator.For(serving).MaxRank);
        Assert.Null(AdapterValidator.For(serving).Problem(adapter));
    }
}
