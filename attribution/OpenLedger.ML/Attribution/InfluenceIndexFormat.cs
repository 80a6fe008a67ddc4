using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Attribution;

/// <summary>
/// The bytes of an <see cref="InfluenceIndex"/>, little-endian, every field at a position fixed by the ones before it
/// (no maps, no padding, no timestamps), so one index has exactly one encoding and its Keccak-256 names it:
/// <code>
/// "OLAI" u16 version=1
/// projection: i32 kIn, i32 kOut, i64 seed
/// u16 layers; per layer: u16 nameLength, UTF-8 name, i32 in, i32 out, i32 rank, i32 keptIn, i32 keptOut
/// i32 dimension, i32 count
/// i32 contributions; 32-byte hashes
/// count × i32 contribution of row
/// u8 preconditioner kind, f64 damping, i32 blocks; per block: i32 offset, i32 size, size² × f32 inverse
/// count × dimension × f32 rows
/// </code>
/// A reader checks every size against the bytes it has and against the others: a corrupt or truncated index is a
/// <see cref="AttributionException.CorruptIndex"/>, never a wrong answer.
/// </summary>
public static class InfluenceIndexFormat
{
    public const ushort Version = 1;
    private static ReadOnlySpan<byte> Magic => "OLAI"u8;

    public static byte[] Write(InfluenceIndex index)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the index format is written on little-endian machines");
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(index.Projection.InputDims);
        writer.Write(index.Projection.OutputDims);
        writer.Write(index.Projection.Seed);
        writer.Write(checked((ushort)index.Layout.Count));
        foreach (var layer in index.Layout)
        {
            var name = Encoding.UTF8.GetBytes(layer.Name);
            writer.Write(checked((ushort)name.Length));
            writer.Write(name);
            writer.Write(layer.InFeatures);
            writer.Write(layer.OutFeatures);
            writer.Write(layer.Rank);
            writer.Write(layer.KeptIn);
            writer.Write(layer.KeptOut);
        }
        writer.Write(index.Dimension);
        writer.Write(index.Count);
        writer.Write(index.Contributions.Count);
        foreach (var contribution in index.Contributions) writer.Write(contribution.AsSpan());
        writer.Write(MemoryMarshal.AsBytes(index.ContributionOfRow));
        var preconditioner = index.Preconditioner;
        writer.Write((byte)preconditioner.Kind);
        writer.Write(preconditioner.Damping);
        writer.Write(preconditioner.Blocks.Count);
        foreach (var block in preconditioner.Blocks)
        {
            writer.Write(block.Offset);
            writer.Write(block.Size);
            writer.Write(MemoryMarshal.AsBytes(block.Inverse.AsSpan()));
        }
        writer.Write(MemoryMarshal.AsBytes(index.Rows));
        writer.Flush();
        return stream.ToArray();
    }

    public static InfluenceIndex Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        if (!reader.Take(4).SequenceEqual(Magic)) throw Corrupt("not an attribution index (bad magic)");
        var version = reader.UInt16();
        if (version != Version) throw Corrupt($"index format version {version}; this build reads {Version}");
        var projection = new ProjectionSpec(reader.Int32(), reader.Int32(), reader.Int64());
        if (projection.InputDims < 0 || projection.OutputDims < 0) throw Corrupt("negative projection dimensions");
        var layerCount = reader.UInt16();
        var layout = new List<IndexLayer>(layerCount);
        var offset = 0;
        for (var i = 0; i < layerCount; i++)
        {
            var name = Encoding.UTF8.GetString(reader.Take(reader.UInt16()));
            var (inFeatures, outFeatures, rank, keptIn, keptOut) = (reader.Int32(), reader.Int32(), reader.Int32(), reader.Int32(), reader.Int32());
            if (inFeatures <= 0 || outFeatures <= 0 || rank <= 0 || keptIn != ProjectionSpec.Kept(projection.InputDims, inFeatures)
                || keptOut != ProjectionSpec.Kept(projection.OutputDims, outFeatures))
                throw Corrupt($"layer {name}: inconsistent shape");
            var layer = new IndexLayer(name, inFeatures, outFeatures, rank, keptIn, keptOut, offset);
            offset = checked(offset + layer.Dimension);
            layout.Add(layer);
        }
        var dimension = reader.Int32();
        if (dimension != offset) throw Corrupt($"dimension {dimension}; the layers add up to {offset}");
        var count = reader.Int32();
        if (count < 0) throw Corrupt($"count {count}");
        var contributionCount = reader.Int32();
        if (contributionCount < 0 || (long)contributionCount * 32 > reader.Remaining) throw Corrupt($"{contributionCount} contributions");
        var contributions = new Hash32[contributionCount];
        for (var i = 0; i < contributionCount; i++) contributions[i] = new Hash32(reader.Take(32));
        var contributionOfRow = MemoryMarshal.Cast<byte, int>(reader.Take(checked(count * 4L))).ToArray();
        var kind = (PreconditionerKind)reader.Byte();
        if (!Enum.IsDefined(kind)) throw Corrupt($"preconditioner kind {(byte)kind}");
        var damping = reader.Float64();
        var blockCount = reader.Int32();
        if (blockCount < 0 || blockCount > layerCount) throw Corrupt($"{blockCount} preconditioner blocks");
        var blocks = new List<PreconditionerBlock>(blockCount);
        for (var i = 0; i < blockCount; i++)
        {
            var (blockOffset, size) = (reader.Int32(), reader.Int32());
            if (size <= 0 || size > dimension) throw Corrupt($"block size {size}");
            blocks.Add(new PreconditionerBlock(blockOffset, size, MemoryMarshal.Cast<byte, float>(reader.Take(checked((long)size * size * 4))).ToArray()));
        }
        var rows = MemoryMarshal.Cast<byte, float>(reader.Take(checked((long)count * dimension * 4))).ToArray();
        if (reader.Remaining != 0) throw Corrupt($"{reader.Remaining} bytes after the rows");
        try
        {
            return new InfluenceIndex(projection, layout, rows, contributionOfRow, contributions, new Preconditioner(kind, damping, blocks));
        }
        catch (AttributionException e) when (e.Code == AttributionException.DimensionMismatch)
        {
            throw Corrupt(e.Message);
        }
    }

    private static AttributionException Corrupt(string message) => new(AttributionException.CorruptIndex, message);

    /// <summary>A bounds-checked cursor: reading past the end is a corrupt index, not an exception from deep inside.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly long Remaining => _bytes.Length - _at;

        public ReadOnlySpan<byte> Take(long length)
        {
            if (length < 0 || length > Remaining) throw Corrupt($"truncated: {length} bytes needed at {_at}, {Remaining} left");
            var slice = _bytes.Slice(_at, (int)length);
            _at += (int)length;
            return slice;
        }

        public byte Byte() => Take(1)[0];
        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        public double Float64() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));
    }
}
