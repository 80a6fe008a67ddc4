using System.Runtime.InteropServices;
using OpenLedger.Core.Crypto;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.SafeTensors;

/// <summary>Saves and loads named torch tensors (a state dict, an adapter's A and B) as safetensors files.
/// The whole file is built in memory, which caps a file at 2 GB: enough for GPT-2 small (0.5 GB in F32) and any
/// adapter.</summary>
public static class TorchSafeTensors
{
    private static readonly Dictionary<ScalarType, string> Codes = new()
    {
        [ScalarType.Float64] = "F64", [ScalarType.Float32] = "F32", [ScalarType.Float16] = "F16", [ScalarType.BFloat16] = "BF16",
        [ScalarType.Int64] = "I64", [ScalarType.Int32] = "I32", [ScalarType.Int16] = "I16", [ScalarType.Int8] = "I8",
        [ScalarType.Byte] = "U8", [ScalarType.Bool] = "BOOL",
    };

    private static readonly Dictionary<string, ScalarType> Types = Codes.ToDictionary(c => c.Value, c => c.Key, StringComparer.Ordinal);

    /// <summary>The canonical file bytes (see <see cref="SafeTensorsFile"/>) of <paramref name="tensors"/>.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsFile.Serialize(tensors.Select(t => ToEntry(t.Key, t.Value)), metadata);

    /// <summary>Writes the file and returns its keccak256.</summary>
    public static Hash32 Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var bytes = Serialize(tensors, metadata);
        File.WriteAllBytes(path, bytes);
        return SafeTensorsFile.Hash(bytes);
    }

    /// <summary>Reads a file into new CPU tensors (by name) and its metadata.</summary>
    public static (Dictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Load(string path) =>
        Deserialize(File.ReadAllBytes(path));

    public static (Dictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Deserialize(ReadOnlyMemory<byte> file)
    {
        var parsed = SafeTensorsFile.Parse(file);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, entry) in parsed.Tensors) tensors[name] = ToTensor(entry);
        return (tensors, parsed.Metadata);
    }

    public static SafeTensorEntry ToEntry(string name, Tensor tensor)
    {
        if (!Codes.TryGetValue(tensor.dtype, out var code)) throw new ArgumentException($"{name}: safetensors has no code for {tensor.dtype}");
        using var cpu = tensor.detach().cpu().contiguous();
        return new SafeTensorEntry(name, code, cpu.shape, cpu.numel() == 0 ? Array.Empty<byte>() : cpu.bytes.ToArray());
    }

    public static Tensor ToTensor(SafeTensorEntry entry)
    {
        if (!Types.TryGetValue(entry.DType, out var type)) throw new InvalidDataException($"{entry.Name}: no torch type for {entry.DType}");
        var tensor = torch.empty(entry.Shape, dtype: type);
        // The setter copies; it only takes a mutable span, which the parsed buffer slice is underneath.
        if (entry.Data.Length > 0) tensor.bytes = MemoryMarshal.AsMemory(entry.Data).Span;
        return tensor;
    }
}
