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
        CheckTokens(tokens);
        using var scope = torch.NewDisposeScope();
        var x = Embed(tokens);
        foreach (var block in _blocks) x = block.call(x);
        return scope.MoveToOuter(_finalNorm.call(x));
    }

    private void CheckTokens(Tensor tokens)
    {
        if (tokens.dim() != 2) throw new ArgumentException($"tokens must be [batch, time], got [{string.Join(", ", tokens.shape)}]");
        if (tokens.shape[1] > Config.ContextLength)
            throw new ArgumentException($"{tokens.shape[1]} tokens exceed the context length {Config.ContextLength}");
    }

    /// <summary>Token plus position embeddings [batch, time, d], positions 0 to time - 1.</summary>
    private Tensor Embed(Tensor tokens)
    {
        using var scope = torch.NewDisposeScope();
        using var stop = tokens.shape[1].ToScalar();
        var positions = torch.arange(HeldScalars.Zero, stop, HeldScalars.One, dtype: ScalarType.Int64, device: tokens.device);
        return scope.MoveToOuter(_embeddingDropout.call(_tokenEmbedding.call(tokens).add(_positionEmbedding.call(positions), HeldScalars.One)));
    }

    /// <summary>The causal forward of right-padded prompts <paramref name="tokens"/> [rows, time] whose lengths are
    /// <paramref name="lengths"/>, for decoding: the final hidden states at each row's last prompt token [rows, d]
    /// (what <see cref="HiddenStates"/> gives there, by the same arithmetic) and a <see cref="KvCache"/> of the
    /// prompts' keys and values. A row never attends to the padding after it (the attention is causal), and its
    /// padding's keys are masked out of every later step and overwritten by its generated tokens.</summary>
    /// <param name="capacity">Positions the cache has room for (<see cref="KvCache.Capacity"/>), from the prompts'
    /// length to the context length (the default): what the rows will fill, no more, since every position of room is
    /// zeroed and copied whenever the cache is made or reshaped.</param>
    public (Tensor Hidden, KvCache Cache) Prefill(Tensor tokens, IReadOnlyList<long> lengths, long? capacity = null)
    {
        CheckTokens(tokens);
        var (rows, time) = (tokens.shape[0], tokens.shape[1]);
        if (lengths.Count != rows || lengths.Any(l => l < 1 || l > time))
            throw new ArgumentException($"{lengths.Count} lengths in [1, {time}] are needed for {rows} rows");
        var room = capacity ?? Config.ContextLength;
        if (room < time || room > Config.ContextLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), $"a cache for {time} prompt positions holds {time} to {Config.ContextLength}, not {room}");
        using var scope = torch.NewDisposeScope();
        var x = Embed(tokens);
        var keys = new Tensor[_blocks.Count];
        var values = new Tensor[_blocks.Count];
        var heads = Config.Heads;
        for (var layer = 0; layer < _blocks.Count; layer++)
        {
            x = _blocks[layer].Prefill(x, out var k, out var v);
            // Room for every position the rows will take: decoding writes each new one in place.
            keys[layer] = torch.zeros(rows, heads, room, Config.HeadDim, dtype: k.dtype, device: k.device);
            keys[layer].narrow(2, 0, time).copy_(k);
            values[layer] = torch.zeros(rows, heads, room, Config.HeadDim, dtype: v.dtype, device: v.device);
            values[layer].narrow(2, 0, time).copy_(v);
        }
        var hidden = _finalNorm.call(x);
        using var rowCount = rows.ToScalar();
        var rowIndex = torch.arange(HeldScalars.Zero, rowCount, HeldScalars.One, dtype: ScalarType.Int64, device: tokens.device);
        var last = torch.tensor(lengths.Select(l => l - 1).ToArray(), dtype: ScalarType.Int64, device: tokens.device);
        var cache = new KvCache(keys, values, [.. lengths]);
        return (scope.MoveToOuter(hidden[rowIndex, last]), cache);
    }

    /// <summary>One decoding step: each row of <paramref name="cache"/> takes its next token from
    /// <paramref name="tokens"/> [rows, 1] at its own next position (its length: position ids are per row), attends
    /// to its cached positions and itself, and leaves its key and value in the cache. Returns the final hidden states
    /// [rows, d] of the new tokens.</summary>
    public Tensor Step(Tensor tokens, KvCache cache)
    {
        CheckTokens(tokens);
        if (tokens.shape[0] != cache.Rows || tokens.shape[1] != 1)
            throw new ArgumentException($"one token per row is needed for {cache.Rows} rows, got [{string.Join(", ", tokens.shape)}]");
        var room = cache.Capacity;
        if (cache.Lengths.Any(l => l >= room))
            throw new ArgumentException(room == Config.ContextLength
                ? $"a sequence has filled the context length {Config.ContextLength}"
                : $"a sequence has filled its cache's room, {room} positions");
        using var scope = torch.NewDisposeScope();
        var rows = tokens.shape[0];
        var positions = torch.tensor(cache.Lengths.ToArray(), dtype: ScalarType.Int64, device: tokens.device).view(rows, 1);
        var x = _embeddingDropout.call(_tokenEmbedding.call(tokens).add(_positionEmbedding.call(positions), HeldScalars.One));
        var writeAt = positions.view(rows, 1, 1, 1).expand(rows, Config.Heads, 1, Config.HeadDim);
        // Attention reads the positions up to the longest row's new token; each row's later ones are blocked.
        using var used = (cache.Lengths.Max() + 1).ToScalar();
        var blocked = torch.arange(HeldScalars.Zero, used, HeldScalars.One, dtype: ScalarType.Int64, device: tokens.device)
            .view(1, -1).gt(positions).view(rows, 1, 1, -1);
        for (var layer = 0; layer < _blocks.Count; layer++)
            x = _blocks[layer].Step(x, cache.Keys(layer), cache.Values(layer), writeAt, blocked);
        cache.Advance();
        return scope.MoveToOuter(_finalNorm.call(x).view(rows, -1));
    }

    /// <summary>Mean next-token cross entropy of <paramref name="targets"/> [batch, time] under the logits for
    /// <paramref name="tokens"/>, counting only positions where <paramref name="mask"/> is true (or non-zero), so
    /// padding and prompt tokens do not train the model. Targets equal to <see cref="IgnoreIndex"/> are skipped
    /// too.</summary>
    /// <param name="labelSmoothing">ε of label smoothing (0: plain cross-entropy)</param>
    public Tensor Loss(Tensor tokens, Tensor targets, Tensor? mask = null, double labelSmoothing = 0)
    {
        using var scope = torch.NewDisposeScope();
        var logits = forward(tokens);
        var counted = mask is null ? targets : targets.masked_fill(mask.to(ScalarType.Bool).logical_not(), IgnoreIndexScalar);
        var loss = nn.functional.cross_entropy(
            logits.view(-1, Config.VocabSize), counted.reshape(-1), ignore_index: IgnoreIndex, label_smoothing: labelSmoothing);
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
