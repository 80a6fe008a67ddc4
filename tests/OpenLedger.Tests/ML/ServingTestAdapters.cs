using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.SafeTensors;
using OpenLedger.ML.Serving;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML;

/// <summary>A "trained" adapter for the serving tests: its own copy of the base (seed 1) with the adapter installed
/// and random B (as training would leave it), its artifact bytes and hash. The copy, merged, is the reference.</summary>
internal sealed class ServingTestAdapter : IDisposable
{
    public static readonly Gpt2Config Tiny = Gpt2Tests.Tiny with { Dropout = 0 };
    public const long BaseSeed = 1;

    /// <summary>Ranks 4-8 over different target sets.</summary>
    public static readonly LoraConfig[] Mix =
    [
        new(4, 8, LoraConfig.AllProjections),
        new(8, 16, ["attn.c_attn"]),
        new(5, 10, ["mlp.c_fc", "mlp.c_proj"]),
        new(6, 6, ["c_proj"]),
        new(7, 14, ["attn.c_attn", "mlp.c_proj"]),
        new(4, 4, ["attn.c_proj", "mlp.c_fc"]),
    ];

    public ServingTestAdapter(LoraConfig config, long seed)
    {
        Model = new Gpt2Model(Tiny, BaseSeed);
        Model.eval();
        Adapter = LoraAdapter.Apply(Model, config, seed);
        using (var generator = new Generator(unchecked((ulong)seed) + 1000, torch.CPU))
        using (torch.no_grad())
            foreach (var (_, layer) in Adapter.Layers) layer.B.normal_(0, 0.2, generator);
        Bytes = ServedAdapter.Serialize(Adapter);
        Id = SafeTensorsFile.Hash(Bytes);
    }

    public Gpt2Model Model { get; }
    public LoraAdapter Adapter { get; }
    public byte[] Bytes { get; }
    public Hash32 Id { get; }

    /// <summary>Logits of the model with this adapter merged into its weights.</summary>
    public Tensor MergedLogits(Tensor tokens)
    {
        using var noGrad = torch.no_grad();
        Adapter.Merge();
        try { return Model.call(tokens); }
        finally { Adapter.Unmerge(); }
    }

    /// <summary>Greedy tokens of the merged model, one sequence alone.</summary>
    public List<long> MergedGreedy(IReadOnlyList<long> prompt, int count)
    {
        using var noGrad = torch.no_grad();
        Adapter.Merge();
        try { return Greedy(Model, prompt, count); }
        finally { Adapter.Unmerge(); }
    }

    public static List<long> Greedy(Gpt2Model model, IReadOnlyList<long> prompt, int count)
    {
        using var noGrad = torch.no_grad();
        var sequence = new List<long>(prompt);
        var generated = new List<long>();
        for (var i = 0; i < count; i++)
        {
            using var scope = torch.NewDisposeScope();
            var logits = model.call(torch.tensor(sequence.ToArray(), [1, sequence.Count], dtype: ScalarType.Int64));
            var next = logits[0, sequence.Count - 1].argmax().item<long>();
            sequence.Add(next);
            generated.Add(next);
        }
        return generated;
    }

    public static Func<Hash32, CancellationToken, Task<byte[]>> Loader(IEnumerable<ServingTestAdapter> adapters)
    {
        var files = adapters.ToDictionary(a => a.Id, a => a.Bytes);
        return (id, _) => files.TryGetValue(id, out var bytes) ? Task.FromResult(bytes) : throw new FileNotFoundException($"no adapter {id}");
    }

    /// <summary>An artifact made by hand, for what training never produces: each layer's A [rank, in] and B [out, rank]
    /// random (seeded), unless <paramref name="edit"/> replaces them, and alpha as written in the metadata.</summary>
    public static (byte[] Bytes, Hash32 Id) Artifact(IEnumerable<(string Module, long[] AShape, long[] BShape)> layers, string alpha = "8",
        ScalarType dtype = ScalarType.Float32, Action<string, Tensor>? edit = null)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(7, torch.CPU);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (module, aShape, bShape) in layers)
        {
            tensors[module + ".lora_A"] = torch.randn(aShape, generator: generator).to(dtype);
            tensors[module + ".lora_B"] = torch.randn(bShape, generator: generator).to(dtype);
        }
        if (edit is not null)
            foreach (var (name, tensor) in tensors) edit(name, tensor);
        var bytes = TorchSafeTensors.Serialize(tensors, new Dictionary<string, string>(StringComparer.Ordinal) { [ServedAdapter.AlphaKey] = alpha });
        return (bytes, SafeTensorsFile.Hash(bytes));
    }

    /// <summary>A loader of these artifacts that counts its calls (the quarantine's fast path must not read the store).</summary>
    public sealed class CountingLoader(IEnumerable<(byte[] Bytes, Hash32 Id)> artifacts)
    {
        private readonly Dictionary<Hash32, byte[]> _files = artifacts.ToDictionary(a => a.Id, a => a.Bytes);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<byte[]> LoadAsync(Hash32 id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return _files.TryGetValue(id, out var bytes) ? Task.FromResult(bytes) : throw new FileNotFoundException($"no adapter {id}");
        }
    }

    public void Dispose() => Model.Dispose();
}
