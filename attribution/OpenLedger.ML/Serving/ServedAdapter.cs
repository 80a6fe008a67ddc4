using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.ModelFactory;
using OpenLedger.ML.Lora;
using OpenLedger.ML.SafeTensors;
using static TorchSharp.torch;

namespace OpenLedger.ML.Serving;

/// <summary>A LoRA adapter as OpenLoRA holds it next to the shared base: per projection name
/// (<c>h.0.attn.c_attn</c>) its A and B, nothing else. Built from the adapter's safetensors artifact and identified by
/// the artifact's keccak256, the hash registered on chain.</summary>
/// <remarks>The artifact is <see cref="LoraAdapter.State"/> (<c>{module}.lora_A</c>, <c>{module}.lora_B</c>) with the
/// metadata <c>lora_alpha</c> (invariant-culture number; the scale of each layer is alpha / its rank, as in
/// <see cref="LoraConfig.Scaling"/>), plus informative <c>lora_rank</c> and <c>target_modules</c>, and for an owned job's
/// adapter <c>owner</c> (<see cref="AdapterOwner"/>), which admission reads and serving ignores.</remarks>
public sealed class ServedAdapter : IDisposable
{
    public const string AlphaKey = "lora_alpha";
    public const string RankKey = "lora_rank";
    public const string TargetsKey = "target_modules";
    public const string OwnerKey = AdapterOwner.MetadataKey;

    private readonly Dictionary<string, LoraWeights> _layers;
    private int _disposed;

    private ServedAdapter(Hash32 id, double alpha, Dictionary<string, LoraWeights> layers, long rawBytes)
    {
        Id = id;
        Alpha = alpha;
        _layers = layers;
        RawBytes = rawBytes;
        // Each tensor is its own contiguous, exactly sized buffer (made by TorchSafeTensors.ToTensor), so what the
        // adapter holds is its element count times the element size; nothing of the file is kept.
        ResidentBytes = layers.Values.Sum(w => TensorBytes(w.A) + TensorBytes(w.B));
    }

    /// <summary>The artifact's keccak256.</summary>
    public Hash32 Id { get; }

    public double Alpha { get; }

    /// <summary>The adapted projections by module name.</summary>
    public IReadOnlyDictionary<string, LoraWeights> Layers => _layers;

    /// <summary>The bytes of tensor data in the artifact (the file minus its header).</summary>
    public long RawBytes { get; }

    /// <summary>The bytes the adapter's tensors occupy in memory: what the cache accounts.</summary>
    public long ResidentBytes { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The artifact bytes of a trained adapter (its state and alpha).</summary>
    /// <param name="owner">the owning job's 0x address, written as metadata <see cref="OwnerKey"/>; null (a job for
    /// nobody) writes no such member, so those adapters stay byte-identical to the ones written before owners existed.</param>
    public static byte[] Serialize(LoraAdapter adapter, string? owner = null)
    {
        var state = adapter.State();
        try
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AlphaKey] = adapter.Config.Alpha.ToString("R", CultureInfo.InvariantCulture),
                [RankKey] = adapter.Config.Rank.ToString(CultureInfo.InvariantCulture),
                [TargetsKey] = string.Join(",", adapter.Config.TargetModules),
            };
            if (owner is not null) metadata[OwnerKey] = owner;
            return TorchSafeTensors.Serialize(state, metadata);
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
    }

    /// <summary>Reads an artifact. Throws <see cref="InvalidDataException"/> when it is not a LoRA adapter: no alpha,
    /// an A without its B, shapes that do not chain ([r, in] and [out, r]).</summary>
    public static ServedAdapter Parse(Hash32 id, ReadOnlyMemory<byte> file)
    {
        var parsed = SafeTensorsFile.Parse(file);
        if (!parsed.Metadata.TryGetValue(AlphaKey, out var alphaText)
            || !double.TryParse(alphaText, NumberStyles.Float, CultureInfo.InvariantCulture, out var alpha) || !(alpha > 0))
            throw new InvalidDataException($"adapter {id}: metadata '{AlphaKey}' is missing or not a positive number");

        var layers = new Dictionary<string, LoraWeights>(StringComparer.Ordinal);
        var created = new List<Tensor>();
        try
        {
            foreach (var (name, entry) in parsed.Tensors)
            {
                if (name.EndsWith(".lora_B", StringComparison.Ordinal)) continue;
                if (!name.EndsWith(".lora_A", StringComparison.Ordinal))
                    throw new InvalidDataException($"adapter {id}: unexpected tensor '{name}'");
                var module = name[..^".lora_A".Length];
                if (!parsed.Tensors.TryGetValue(module + ".lora_B", out var bEntry))
                    throw new InvalidDataException($"adapter {id}: '{name}' has no lora_B");
                if (entry.Shape.Length != 2 || bEntry.Shape.Length != 2 || bEntry.Shape[1] != entry.Shape[0] || entry.Shape[0] == 0)
                    throw new InvalidDataException($"adapter {id}: {module} has A [{string.Join(", ", entry.Shape)}] and B [{string.Join(", ", bEntry.Shape)}]");
                var a = TorchSafeTensors.ToTensor(entry);
                created.Add(a);
                var b = TorchSafeTensors.ToTensor(bEntry);
                created.Add(b);
                layers[module] = new LoraWeights(a, b, alpha / entry.Shape[0]);
            }
            var orphanB = parsed.Tensors.Keys.FirstOrDefault(n => n.EndsWith(".lora_B", StringComparison.Ordinal) && !layers.ContainsKey(n[..^".lora_B".Length]));
            if (orphanB is not null) throw new InvalidDataException($"adapter {id}: '{orphanB}' has no lora_A");
            if (layers.Count == 0) throw new InvalidDataException($"adapter {id}: no LoRA layers");
        }
        catch
        {
            foreach (var tensor in created) tensor.Dispose();
            throw;
        }
        var rawBytes = parsed.Tensors.Values.Sum(e => (long)e.Data.Length);
        return new ServedAdapter(id, alpha, layers, rawBytes);
    }

    /// <summary>Frees the tensors. Only the cache calls this, when no batch holds the adapter.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var weights in _layers.Values)
        {
            weights.A.Dispose();
            weights.B.Dispose();
        }
    }

    private static long TensorBytes(Tensor tensor)
    {
        if (!tensor.is_contiguous()) throw new InvalidOperationException("adapter tensors must be contiguous");
        return tensor.numel() * tensor.element_size();
    }
}
