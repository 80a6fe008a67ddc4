using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Training;
using TorchSharp;
using TorchSharp.Modules;
using static OpenLedger.Tests.ML.TensorAssert;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML;

public class LoraTests
{
    private static readonly Gpt2Config Tiny = Gpt2Tests.Tiny with { Dropout = 0 };
    private static readonly LoraConfig AllProjections = new(Rank: 4, Alpha: 8, LoraConfig.AllProjections);

    public LoraTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Gives every B random values, as training would, so the adapter changes the output.</summary>
    private static void RandomiseB(LoraAdapter adapter, ulong seed)
    {
        using var generator = new Generator(seed, torch.CPU);
        using var noGrad = torch.no_grad();
        foreach (var (_, layer) in adapter.Layers) layer.B.normal_(0, 0.05, generator);
    }

    [Fact]
    public void A_fresh_adapter_with_zero_B_computes_exactly_the_base_output()
    {
        using var model = new Gpt2Model(Tiny, seed: 1);
        model.eval();
        using var noGrad = torch.no_grad();
        using var tokens = Tokens(2, 10, Tiny.VocabSize, seed: 2);
        using var before = model.call(tokens);

        var adapter = LoraAdapter.Apply(model, AllProjections, seed: 3);
        Assert.All(adapter.Layers, l => Assert.True(l.Layer.B.eq(HeldScalars.Zero).all().item<bool>()));
        Equal(before, model.call(tokens));
    }

    [Fact]
    public void Adapter_output_equals_merged_weights_output()
    {
        using var model = new Gpt2Model(Tiny, seed: 1);
        model.eval();
        var adapter = LoraAdapter.Apply(model, AllProjections, seed: 3);
        RandomiseB(adapter, seed: 4);
        using var noGrad = torch.no_grad();
        using var tokens = Tokens(2, 10, Tiny.VocabSize, seed: 2);

        using var adapted = model.call(tokens);
        adapter.Merge();
        Assert.All(adapter.Layers, l => Assert.True(l.Layer.IsMerged));
        using var merged = model.call(tokens);
        adapter.Unmerge();
        using var unmerged = model.call(tokens);

        Close(adapted, merged);
        Close(adapted, unmerged);
    }

    [Fact]
    public void Only_adapter_parameters_train_and_they_carry_the_module_names()
    {
        using var model = new Gpt2Model(Tiny, seed: 1);
        var adapter = LoraAdapter.Apply(model, AllProjections, seed: 3);

        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).Order(StringComparer.Ordinal).ToList();
        var expected = Enumerable.Range(0, Tiny.Layers)
            .SelectMany(i => new[] { "attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj" }.Select(m => $"h.{i}.{m}"))
            .SelectMany(m => new[] { m + ".lora_A", m + ".lora_B" }).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, trainable);
        Assert.Equal(expected, adapter.State().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Count, adapter.Parameters().Count());

        // The base keeps its Hugging Face names beside the adapter's.
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("h.0.attn.c_attn.weight", names);
        Assert.Contains("h.1.mlp.c_proj.bias", names);
        var c_attn = adapter.Layers.Single(l => l.Name == "h.0.attn.c_attn").Layer;
        Assert.Equal([4L, 32L], c_attn.A.shape);
        Assert.Equal([96L, 4L], c_attn.B.shape);
        Assert.Equal(2.0, c_attn.Scaling);
    }

    [Fact]
    public void Targets_match_the_trailing_module_path()
    {
        using var attentionOnly = new Gpt2Model(Tiny, seed: 1);
        var adapter = LoraAdapter.Apply(attentionOnly, new LoraConfig(2, 4, ["attn.c_proj"]), seed: 1);
        Assert.Equal(["h.0.attn.c_proj", "h.1.attn.c_proj"], adapter.Layers.Select(l => l.Name));

        using var both = new Gpt2Model(Tiny, seed: 1);
        var either = LoraAdapter.Apply(both, new LoraConfig(2, 4, ["c_proj"]), seed: 1);
        Assert.Equal(["h.0.attn.c_proj", "h.0.mlp.c_proj", "h.1.attn.c_proj", "h.1.mlp.c_proj"], either.Layers.Select(l => l.Name));

        using var none = new Gpt2Model(Tiny, seed: 1);
        Assert.Throws<ArgumentException>(() => LoraAdapter.Apply(none, new LoraConfig(2, 4, ["q_proj"]), seed: 1));
        Assert.Throws<InvalidOperationException>(() => LoraAdapter.Apply(both, new LoraConfig(2, 4, ["c_proj"]), seed: 2));
    }

    [Fact]
    public void A_is_Kaiming_uniform_from_the_seed()
    {
        using var first = new Gpt2Model(Tiny, seed: 1);
        using var second = new Gpt2Model(Tiny, seed: 1);
        var a = LoraAdapter.Apply(first, AllProjections, seed: 5).State();
        var b = LoraAdapter.Apply(second, AllProjections, seed: 5).State();
        foreach (var (name, tensor) in a) Equal(tensor, b[name], name);

        // U(-1/sqrt(in), 1/sqrt(in)): in = 128 for mlp.c_proj, 32 elsewhere.
        var bound = 1 / Math.Sqrt(128);
        var mlpA = a["h.0.mlp.c_proj.lora_A"];
        Assert.True(mlpA.abs().max().item<float>() <= bound);
        Assert.True(mlpA.abs().max().item<float>() > 0.8 * bound);
    }

    [Fact]
    public void A_few_optimizer_steps_on_a_toy_task_lower_the_loss_and_leave_the_base_untouched()
    {
        using var singleThreaded = TorchDeterminism.SingleThreaded();
        using var model = new Gpt2Model(Tiny, seed: 1);
        // A freshly initialised base cannot be fine-tuned far: its frozen, tied embeddings (std 0.02) bound every
        // logit to about ±0.6. So first give it a little pre-training, as a real base has had.
        using (var corpus = Tokens(16, 13, Tiny.VocabSize, seed: 30))
            Train(model, model.parameters(), corpus, steps: 40, lr: 1e-2);
        var baseWeights = model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone());

        var adapter = LoraAdapter.Apply(model, AllProjections with { Alpha = 16 }, seed: 2);
        // The toy task: four fixed sequences the base has not seen, a miniature of fine-tuning on a small datanet.
        using var task = Tokens(4, 13, Tiny.VocabSize, seed: 3);
        var losses = Train(model, adapter.Parameters(), task, steps: 30, lr: 1e-2);

        Assert.True(losses[^1] < 0.5 * losses[0], $"loss {losses[0]} -> {losses[^1]}");
        foreach (var (name, tensor) in model.state_dict().Where(e => !e.Key.Contains(".lora_")))
            Equal(baseWeights[name], tensor, $"{name} changed: the base must stay frozen");

        static List<float> Train(Gpt2Model model, IEnumerable<Parameter> parameters, Tensor sequences, int steps, double lr)
        {
            model.train();
            using var optimizer = new AdamWOptimizer(parameters.ToList(), 0.9, 0.999, 1e-8, 0);
            using var inputs = sequences[.., ..^1];
            using var targets = sequences[.., 1..];
            var losses = new List<float>();
            for (var step = 0; step < steps; step++)
            {
                using var scope = torch.NewDisposeScope();
                optimizer.ZeroGrad();
                var loss = model.Loss(inputs, targets);
                loss.backward();
                optimizer.Update(lr);
                losses.Add(loss.item<float>());
            }
            return losses;
        }
    }

    [Fact]
    public void Adapter_state_loads_into_a_fresh_adapter_and_Remove_restores_the_base()
    {
        using var model = new Gpt2Model(Tiny, seed: 1);
        model.eval();
        using var noGrad = torch.no_grad();
        using var tokens = Tokens(2, 8, Tiny.VocabSize, seed: 2);
        using var baseOutput = model.call(tokens);
        var trained = LoraAdapter.Apply(model, AllProjections, seed: 3);
        RandomiseB(trained, seed: 4);
        using var adaptedOutput = model.call(tokens);
        var state = trained.State();

        using var other = new Gpt2Model(Tiny, seed: 1);
        other.eval();
        var loaded = LoraAdapter.Apply(other, AllProjections, seed: 99);
        loaded.Load(state);
        Equal(adaptedOutput, other.call(tokens));

        trained.Remove(model);
        Assert.All(model.Projections(), p => Assert.IsType<Linear>(p.Module));
        Assert.DoesNotContain(model.named_parameters(), p => p.name.Contains("lora"));
        Equal(baseOutput, model.call(tokens));

        state.Remove("h.0.attn.c_attn.lora_A");
        Assert.Throws<InvalidDataException>(() => loaded.Load(state));
    }

    [Fact]
    public void A_LoRA_layer_over_a_Conv1D_weight_matches_the_linear_layout()
    {
        using var linear = nn.Linear(12, 20);
        using var x = Normal(1, 5, 12);
        using var expected = linear.call(x);
        using var conv1DWeight = linear.weight!.detach().t().contiguous(); // Hugging Face's [in, out]
        using var layer = LoraLinear.FromConv1D(conv1DWeight, linear.bias, rank: 2, alpha: 4, dropout: 0,
            new Generator(1, torch.CPU), new Generator(2, torch.CPU));
        Assert.Equal([20L, 12L], layer.Weight.shape);
        Close(expected, layer.call(x));
    }

    [Fact]
    public void Heterogeneous_batch_equals_per_row_merged_weights()
    {
        const int inFeatures = 24, outFeatures = 40, rows = 37;
        using var weight = Normal(1, outFeatures, inFeatures);
        using var bias = Normal(2, outFeatures);
        using var x = Normal(3, rows, inFeatures);
        int[] ranks = [1, 2, 4, 8, 3];
        var adapters = ranks.Select((r, i) => new LoraWeights(
            Normal((ulong)(10 + i), r, inFeatures), Normal((ulong)(20 + i), outFeatures, r), Scaling: 0.5 + i)).ToList();
        var random = new Random(7);
        var adapterOfRow = Enumerable.Range(0, rows).Select(_ => random.Next(-1, adapters.Count)).ToArray();
        Assert.Contains(-1, adapterOfRow);

        using var batched = MultiLora.Forward(x, weight, bias, adapterOfRow, adapters);

        for (var r = 0; r < rows; r++)
        {
            var a = adapterOfRow[r];
            using var delta = a < 0 ? null : adapters[a].Delta();
            using var merged = delta is null ? weight.clone() : weight.add(delta, HeldScalars.One);
            using var expected = nn.functional.linear(x[r..(r + 1)], merged, bias);
            Close(expected, batched[r..(r + 1)]);
        }
    }

    [Fact]
    public void Heterogeneous_batch_of_sequences_without_adapters_is_the_base_projection()
    {
        using var weight = Normal(1, 16, 8);
        using var x = Normal(2, 3, 5, 8); // three sequences of five positions
        var adapters = new[] { new LoraWeights(Normal(3, 2, 8), Normal(4, 16, 2), 1.0) };
        Equal(nn.functional.linear(x, weight), MultiLora.Forward(x, weight, null, [-1, -1, -1], adapters));

        using var mixed = MultiLora.Forward(x, weight, null, [0, -1, 0], adapters);
        using var delta = adapters[0].Delta();
        using var adaptedWeight = weight.add(delta, HeldScalars.One);
        Close(nn.functional.linear(x[0], adaptedWeight), mixed[0]);
        Equal(nn.functional.linear(x[1], weight), mixed[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiLora.Forward(x, weight, null, [0, 1, -1], adapters));
    }
}
