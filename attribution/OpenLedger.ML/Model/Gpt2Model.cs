using OpenLedger.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace OpenLedger.ML.Model;

/// <summary>GPT-2 (Radford et al. 2019) as a TorchSharp module: token and position embeddings, pre-LN blocks, a final
/// LayerNorm and a language-model head tied to the token embedding. Parameter names are Hugging Face's
/// (<c>wte.weight</c>, <c>h.0.attn.c_attn.weight</c>, ..., <c>ln_f.bias</c>) so a real checkpoint loads by name
/// through <see cref="Gpt2Checkpoint"/>; the projections are <c>nn.Linear</c> ([out, in]) where Hugging Face has
/// Conv1D ([in, out]), and the checkpoint loader transposes.</summary>
public sealed class Gpt2Model : nn.Module<Tensor, Tensor>
{
    /// <summary>The target id cross entropy skips (PyTorch's default <c>ignore_index</c>).</summary>
    public const long IgnoreIndex = -100;

    /// <summary><see cref="IgnoreIndex"/> as a Scalar held for the process (see <see cref="HeldScalars"/>).</summary>
    private static readonly Scalar IgnoreIndexScalar = IgnoreIndex.ToScalar();

    [ComponentName(Name = "wte")] private readonly Embedding _tokenEmbedding;
    [ComponentName(Name = "wpe")] private readonly Embedding _positionEmbedding;
    [ComponentName(Name = "drop")] private readonly SeededDropout _embeddingDropout;
    [ComponentName(Name = "h")] private readonly ModuleList<Gpt2Block> _blocks;
    [ComponentName(Name = "ln_f")] private readonly LayerNorm _finalNorm;
    private readonly Generator _dropoutGenerator;

    /// <summary>Builds the model with GPT-2's initialisation drawn from <paramref name="seed"/>: the same seed gives
    /// bit-identical weights, whatever else runs in the process (no global generator is touched).</summary>
    public Gpt2Model(Gpt2Config config, long seed) : base(nameof(Gpt2Model))
    {
        Config = config.Validated();
        // Dropout gets its own stream so that replaying a training run does not depend on how many numbers the
        // initialisation drew; a fine-tuning job re-seeds it with ReseedDropout.
        _dropoutGenerator = new Generator(unchecked((ulong)seed) ^ 0x9E3779B97F4A7C15UL, torch.CPU);
        _tokenEmbedding = nn.Embedding(config.VocabSize, config.ModelDim);
        _positionEmbedding = nn.Embedding(config.ContextLength, config.ModelDim);
        _embeddingDropout = new SeededDropout(config.Dropout, _dropoutGenerator);
        _blocks = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new Gpt2Block(config, _dropoutGenerator)).ToArray());
        _finalNorm = nn.LayerNorm(config.ModelDim, config.LayerNormEpsilon);
        RegisterComponents();
        Initialise(seed);
    }

    public Gpt2Config Config { get; }

    public IReadOnlyList<Gpt2Block> Blocks => [.. _blocks];

    /// <summary>The token embedding [vocab, d], also the output head's weight (weight tying, as in GPT-2).</summary>
    public Parameter TokenEmbedding => _tokenEmbedding.weight!;

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Every swappable projection, in layer order: <c>h.{i}.attn.c_attn</c>, <c>h.{i}.attn.c_proj</c>,
    /// <c>h.{i}.mlp.c_fc</c>, <c>h.{i}.mlp.c_proj</c>.</summary>
    public IEnumerable<ProjectionSlot> Projections() =>
        _blocks.SelectMany((block, i) => block.Projections($"h.{i}."));

    /// <summary>Restarts the dropout stream, so a training run is reproducible from its own seed.</summary>
    public void ReseedDropout(long seed) => _dropoutGenerator.manual_seed(seed);

    /// <summary>Logits [batch, time, vocab] for token ids [batch, time] (int64), each position seeing only itself and
    /// earlier positions.</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = HiddenStates(tokens);
        return scope.MoveToOuter(nn.functional.linear(hidden, _tokenEmbedding.weight!));
    }

    /// <summary>The final-LayerNorm hidden states [batch, time, d]: what the head projects, and what attribution
    /// compares.</summary>
    public Tensor HiddenStates(Tensor tokens)
    {
        if (tokens.dim() != 2) throw new ArgumentException($"tokens must be [batch, time], got [{string.Join(", ", tokens.shape)}]");
        var time = tokens.shape[1];
        if (time > Config.ContextLength)
            throw new ArgumentException($"{time} tokens exceed the context length {Config.ContextLength}");
        using var scope = torch.NewDisposeScope();
        using var stop = time.ToScalar();
        var positions = torch.arange(HeldScalars.Zero, stop, HeldScalars.One, dtype: ScalarType.Int64, device: tokens.device);
        var x = _embeddingDropout.call(_tokenEmbedding.call(tokens).add(_positionEmbedding.call(positions), HeldScalars.One));
        foreach (var block in _blocks) x = block.call(x);
        return scope.MoveToOuter(_finalNorm.call(x));
    }

    /// <summary>Mean next-token cross entropy of <paramref name="targets"/> [batch, time] under the logits for
    /// <paramref name="tokens"/>, counting only positions where <paramref name="mask"/> is true (or non-zero), so
    /// padding and prompt tokens do not train the model. Targets equal to <see cref="IgnoreIndex"/> are skipped
    /// too.</summary>
    public Tensor Loss(Tensor tokens, Tensor targets, Tensor? mask = null)
    {
        using var scope = torch.NewDisposeScope();
        var logits = forward(tokens);
        var counted = mask is null ? targets : targets.masked_fill(mask.to(ScalarType.Bool).logical_not(), IgnoreIndexScalar);
        var loss = nn.functional.cross_entropy(
            logits.view(-1, Config.VocabSize), counted.reshape(-1), ignore_index: IgnoreIndex);
        return scope.MoveToOuter(loss);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _dropoutGenerator.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Hugging Face's <c>GPT2PreTrainedModel._init_weights</c>: weights and embeddings N(0, 0.02), biases 0,
    /// LayerNorm gain 1, and the two residual projections (<c>c_proj</c>) N(0, 0.02/√(2·layers)) so the residual
    /// stream's variance does not grow with depth.</summary>
    private void Initialise(long seed)
    {
        const double std = 0.02;
        using var generator = new Generator(unchecked((ulong)seed), torch.CPU);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else if (name.StartsWith("ln_", StringComparison.Ordinal) || name.Contains(".ln_", StringComparison.Ordinal)) parameter.fill_(HeldScalars.OneDouble);
            else if (name.EndsWith("c_proj.weight", StringComparison.Ordinal)) parameter.normal_(0, std / Math.Sqrt(2.0 * Config.Layers), generator);
            else parameter.normal_(0, std, generator);
        }
    }
}
