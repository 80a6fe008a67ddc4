using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Training;
using TorchSharp;
using static TorchSharp.torch;
using static OpenLedger.Tests.ML.TensorAssert;

namespace OpenLedger.Tests.ML;

public class Gpt2Tests
{
    internal static readonly Gpt2Config Tiny = new(VocabSize: 64, ContextLength: 16, ModelDim: 32, Layers: 2, Heads: 4, Dropout: 0.1);

    public Gpt2Tests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Parameters_carry_Hugging_Face_GPT2_names_and_shapes()
    {
        using var model = new Gpt2Model(Tiny, seed: 1);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => string.Join("x", p.parameter.shape));

        var expected = new Dictionary<string, string> { ["wte.weight"] = "64x32", ["wpe.weight"] = "16x32", ["ln_f.weight"] = "32", ["ln_f.bias"] = "32" };
        for (var i = 0; i < Tiny.Layers; i++)
        {
            expected[$"h.{i}.ln_1.weight"] = "32";
            expected[$"h.{i}.ln_1.bias"] = "32";
            expected[$"h.{i}.attn.c_attn.weight"] = "96x32"; // nn.Linear [out, in]; Hugging Face's Conv1D is 32x96
            expected[$"h.{i}.attn.c_attn.bias"] = "96";
            expected[$"h.{i}.attn.c_proj.weight"] = "32x32";
            expected[$"h.{i}.attn.c_proj.bias"] = "32";
            expected[$"h.{i}.ln_2.weight"] = "32";
            expected[$"h.{i}.ln_2.bias"] = "32";
            expected[$"h.{i}.mlp.c_fc.weight"] = "128x32";
            expected[$"h.{i}.mlp.c_fc.bias"] = "128";
            expected[$"h.{i}.mlp.c_proj.weight"] = "32x128";
            expected[$"h.{i}.mlp.c_proj.bias"] = "32";
        }
        Assert.Equal(expected.OrderBy(e => e.Key), shapes.OrderBy(e => e.Key));
        Assert.Empty(model.named_buffers()); // the causal mask is computed, not stored
        Assert.Equal(
            ["h.0.attn.c_attn", "h.0.attn.c_proj", "h.0.mlp.c_fc", "h.0.mlp.c_proj", "h.1.attn.c_attn", "h.1.attn.c_proj", "h.1.mlp.c_fc", "h.1.mlp.c_proj"],
            model.Projections().Select(p => p.Name));
    }

    [Fact]
    public void Initialisation_follows_GPT2()
    {
        using var model = new Gpt2Model(Tiny with { Layers = 2, ModelDim = 64 }, seed: 3);
        using var noGrad = torch.no_grad();
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        Assert.True(p["h.0.ln_1.weight"].eq(HeldScalars.One).all().item<bool>());
        Assert.True(p["h.1.attn.c_attn.bias"].eq(HeldScalars.Zero).all().item<bool>());
        Assert.Equal(0.02, p["h.0.mlp.c_fc.weight"].std().item<float>(), 0.002);
        Assert.Equal(0.02 / Math.Sqrt(4), p["h.0.mlp.c_proj.weight"].std().item<float>(), 0.002);
    }

    [Fact]
    public void Logits_at_a_position_depend_only_on_it_and_earlier_tokens()
    {
        using var model = new Gpt2Model(Tiny, seed: 2);
        model.eval();
        using var noGrad = torch.no_grad();
        using var tokens = Tokens(2, 10, Tiny.VocabSize, seed: 5);
        using var logits = model.call(tokens);
        Assert.Equal([2L, 10L, Tiny.VocabSize], logits.shape);

        using var changed = tokens.clone();
        changed[.., 6] = NextToken(changed[.., 6]);
        using var changedLogits = model.call(changed);
        Assert.True(Same(logits[.., ..6], changedLogits[.., ..6]), "positions before the change must not see it");
        Assert.False(Same(logits[.., 6..], changedLogits[.., 6..]));
    }

    [Fact]
    public void Same_seed_gives_identical_weights_and_identical_training()
    {
        using var singleThreaded = TorchDeterminism.SingleThreaded();
        var a = Train(seed: 11);
        var b = Train(seed: 11);
        var c = Train(seed: 12);

        foreach (var (name, tensor) in a.Initial) Assert.True(Same(tensor, b.Initial[name]), $"initial {name}");
        Assert.Equal(a.Losses, b.Losses); // bit for bit, dropout included
        foreach (var (name, tensor) in a.Trained) Assert.True(Same(tensor, b.Trained[name]), $"trained {name}");
        Assert.True(a.Losses[^1] < a.Losses[0], $"training should lower the loss: {string.Join(", ", a.Losses)}");
        Assert.False(Same(a.Initial["wte.weight"], c.Initial["wte.weight"]));
        Assert.NotEqual(a.Losses, c.Losses);

        static (Dictionary<string, Tensor> Initial, float[] Losses, Dictionary<string, Tensor> Trained) Train(long seed)
        {
            using var model = new Gpt2Model(Tiny, seed);
            var initial = Snapshot(model);
            model.ReseedDropout(seed);
            model.train();
            using var optimizer = new AdamWOptimizer(model.parameters().ToList(), 0.9, 0.999, 1e-8, 0);
            using var tokens = Tokens(4, 12, Tiny.VocabSize, seed: 9);
            using var inputs = tokens[.., ..^1];
            using var targets = tokens[.., 1..];
            var losses = new float[6];
            for (var step = 0; step < losses.Length; step++)
            {
                using var scope = torch.NewDisposeScope();
                optimizer.ZeroGrad();
                var loss = model.Loss(inputs, targets);
                loss.backward();
                optimizer.Update(3e-3);
                losses[step] = loss.item<float>();
            }
            return (initial, losses, Snapshot(model));
        }

        static Dictionary<string, Tensor> Snapshot(Gpt2Model model) =>
            model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone());
    }

    [Fact]
    public void Loss_counts_only_unmasked_positions()
    {
        using var model = new Gpt2Model(Tiny, seed: 4);
        model.eval();
        using var noGrad = torch.no_grad();
        using var tokens = Tokens(2, 8, Tiny.VocabSize, seed: 6);
        using var targets = Tokens(2, 8, Tiny.VocabSize, seed: 7);
        using var mask = torch.ones(2, 8, dtype: ScalarType.Bool);
        mask[0, ..3] = false;
        mask[1, 5..] = false;

        var masked = model.Loss(tokens, targets, mask).item<float>();
        // By hand: mean over the kept positions of -log softmax(logits)[target].
        using var logProbs = model.call(tokens).log_softmax(-1);
        using var picked = logProbs.gather(-1, targets.unsqueeze(-1)).squeeze(-1);
        var expected = -picked.masked_select(mask).mean().item<float>();
        Assert.Equal(expected, masked, 5);

        using var otherTargets = targets.clone();
        otherTargets[0, 0] = NextToken(otherTargets[0, 0]); // a masked position
        Assert.Equal(masked, model.Loss(tokens, otherTargets, mask).item<float>());
        Assert.NotEqual(masked, model.Loss(tokens, targets).item<float>());
    }

    [Fact]
    public void A_Hugging_Face_checkpoint_loads_by_name_with_Conv1D_weights_transposed()
    {
        using var source = new Gpt2Model(Tiny, seed: 21);
        using var target = new Gpt2Model(Tiny, seed: 22);
        source.eval();
        target.eval();
        var huggingFace = Gpt2Checkpoint.ToHuggingFace(source);
        Assert.Equal([32L, 96L], huggingFace["h.0.attn.c_attn.weight"].shape); // Conv1D [in, out]
        Assert.Equal([128L, 32L], huggingFace["h.1.mlp.c_proj.weight"].shape);

        // What GPT2LMHeadModel.save_pretrained writes: a "transformer." prefix, the tied head, and (older versions) mask buffers.
        var lmHead = huggingFace.ToDictionary(e => "transformer." + e.Key, e => e.Value);
        lmHead["lm_head.weight"] = huggingFace["wte.weight"];
        lmHead["transformer.h.0.attn.bias"] = torch.ones(1, 1, 16, 16).tril();
        Gpt2Checkpoint.Load(target, lmHead);

        using var noGrad = torch.no_grad();
        using var tokens = Tokens(2, 9, Tiny.VocabSize, seed: 8);
        Equal(source.call(tokens), target.call(tokens));
    }

    [Fact]
    public void A_checkpoint_for_another_shape_is_rejected_by_name()
    {
        using var small = new Gpt2Model(Tiny with { Layers = 1 }, seed: 1);
        using var model = new Gpt2Model(Tiny, seed: 1);
        var error = Assert.Throws<InvalidDataException>(() => Gpt2Checkpoint.Load(model, Gpt2Checkpoint.ToHuggingFace(small)));
        Assert.Contains("h.1.attn.c_attn.weight", error.Message);
    }

    /// <summary>(token + 1) mod vocabulary, with every Scalar held across its call (rule OL1001).</summary>
    private static Tensor NextToken(Tensor tokens)
    {
        using var vocabulary = Tiny.VocabSize.ToScalar();
        using var next = tokens.add(HeldScalars.One, HeldScalars.One);
        return next.remainder(vocabulary);
    }
}
