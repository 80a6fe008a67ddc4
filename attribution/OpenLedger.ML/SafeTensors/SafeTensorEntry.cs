namespace OpenLedger.ML.SafeTensors;

/// <summary>One tensor as the safetensors format holds it: a name, a dtype code (<c>F32</c>, <c>BF16</c>, ...), a
/// shape and its raw little-endian bytes in row-major order.</summary>
public sealed record SafeTensorEntry(string Name, string DType, long[] Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>The dtype codes of the format and their element sizes in bytes.</summary>
    public static IReadOnlyDictionary<string, int> ElementSizes { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    public long ElementCount => Shape.Aggregate(1L, (n, d) => checked(n * d));

    public long ByteLength => checked(ElementCount * ElementSizes[DType]);
}
