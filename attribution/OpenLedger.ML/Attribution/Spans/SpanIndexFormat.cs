using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Attribution.Spans;

/// <summary>The span index artifact, version 1, little-endian. A 72-byte header: magic <c>OLSPANIX</c>, u16 version,
/// u8 token width (2 or 4), u8 zero, i32 vocabulary size, i64 text length n (tokens plus one separator per document),
/// i32 document count, i32 contribution count, i64 body length, the keccak256 of the body. The body: n tokens at the
/// token width, n i32 suffix positions, one i32 contribution index per document, then each contribution id as a u16
/// byte length and UTF-8. Document boundaries are not stored: they are the separators. The writer is canonical (the
/// width is 2 exactly when the vocabulary allows it), so one corpus has one artifact and one hash.
/// Reading checks the header, the length, the checksum, then that the contents are possible (tokens in range, the
/// separators match the documents, the suffixes are a permutation); it does not re-sort the suffixes, whose order the
/// checksum and the artifact's hash vouch for.</summary>
public static class SpanIndexFormat
{
    public const ushort Version = 1;
    public const int HeaderLength = 72;
    private static ReadOnlySpan<byte> Magic => "OLSPANIX"u8;

    public static byte[] Write(SpanIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        RequireLittleEndian();
        var ids = index.ContributionIds.Select(Encoding.UTF8.GetBytes).ToArray();
        long n = index.TextLength;
        var bodyLength = n * index.TokenWidth + n * 4 + (long)index.DocumentCount * 4 + ids.Sum(id => 2L + id.Length);
        if (HeaderLength + bodyLength > Array.MaxLength)
            throw new InvalidOperationException($"a span index of {HeaderLength + bodyLength} bytes is larger than one array can hold");
        var bytes = new byte[HeaderLength + bodyLength];
        var body = bytes.AsSpan(HeaderLength);

        var at = 0;
        at += Copy(index.NarrowTokens is { } narrow ? MemoryMarshal.AsBytes<ushort>(narrow) : MemoryMarshal.AsBytes<uint>(index.WideTokens), body[at..]);
        at += Copy(MemoryMarshal.AsBytes<int>(index.Suffixes), body[at..]);
        at += Copy(MemoryMarshal.AsBytes<int>(index.DocumentContributions), body[at..]);
        foreach (var id in ids)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(body[at..], (ushort)id.Length);
            at += 2;
            at += Copy(id, body[at..]);
        }

        var header = bytes.AsSpan(0, HeaderLength);
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        header[10] = (byte)index.TokenWidth;
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], index.VocabSize);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], n);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], index.DocumentCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], ids.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], bodyLength);
        Keccak256.Hash(body).CopyTo(header[40..]);
        return bytes;
    }

    public static SpanIndex Read(ReadOnlySpan<byte> artifact)
    {
        RequireLittleEndian();
        if (artifact.Length < HeaderLength)
        {
            var prefix = artifact[..Math.Min(artifact.Length, Magic.Length)];
            throw prefix.SequenceEqual(Magic[..prefix.Length])
                ? new InvalidSpanIndexException(SpanIndexFault.Truncated, $"{artifact.Length} bytes, shorter than the {HeaderLength}-byte header")
                : new InvalidSpanIndexException(SpanIndexFault.NotASpanIndex, "the magic bytes OLSPANIX are missing");
        }
        if (!artifact[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidSpanIndexException(SpanIndexFault.NotASpanIndex, "the magic bytes OLSPANIX are missing");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(artifact[8..]);
        if (version != Version)
            throw new InvalidSpanIndexException(SpanIndexFault.UnsupportedVersion, $"format version {version}; this build reads version {Version}");
        var bodyLength = BinaryPrimitives.ReadInt64LittleEndian(artifact[32..]);
        var actual = artifact.Length - HeaderLength;
        if (bodyLength < 0 || actual < bodyLength)
            throw new InvalidSpanIndexException(SpanIndexFault.Truncated, $"the header announces a {bodyLength}-byte body; {actual} bytes follow it");
        if (actual > bodyLength)
            throw new InvalidSpanIndexException(SpanIndexFault.Malformed, $"{actual - bodyLength} bytes follow the {bodyLength}-byte body");
        var body = artifact[HeaderLength..];
        if (!Keccak256.Hash(body).AsSpan().SequenceEqual(artifact.Slice(40, 32)))
            throw new InvalidSpanIndexException(SpanIndexFault.ChecksumMismatch, "the body's keccak256 differs from the header's");
        return ReadBody(artifact, body);
    }

    private static SpanIndex ReadBody(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        int width = header[10];
        var vocabSize = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var n = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        var documentCount = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
        var contributionCount = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
        if (header[11] != 0 || vocabSize < 1 || vocabSize > int.MaxValue - 1 || width != (vocabSize <= ushort.MaxValue ? 2 : 4))
            throw Malformed($"token width {width} with vocabulary {vocabSize}");
        if (n < 0 || n > Array.MaxLength || documentCount < 0 || documentCount > n || contributionCount < 0 || contributionCount > documentCount)
            throw Malformed($"{n} tokens, {documentCount} documents, {contributionCount} contributions");
        var fixedLength = n * width + n * 4 + documentCount * 4L;
        if (fixedLength > body.Length) throw Malformed($"the counts need {fixedLength} bytes; the body has {body.Length}");

        var at = 0;
        var length = (int)n;
        ushort[]? narrow = null;
        uint[]? wide = null;
        if (width == 2) narrow = MemoryMarshal.Cast<byte, ushort>(body.Slice(at, length * 2)).ToArray();
        else wide = MemoryMarshal.Cast<byte, uint>(body.Slice(at, length * 4)).ToArray();
        at += length * width;
        var suffixes = MemoryMarshal.Cast<byte, int>(body.Slice(at, length * 4)).ToArray();
        at += length * 4;
        var documentContributions = MemoryMarshal.Cast<byte, int>(body.Slice(at, documentCount * 4)).ToArray();
        at += documentCount * 4;
        var ids = new string[contributionCount];
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (var c = 0; c < contributionCount; c++)
        {
            if (body.Length - at < 2) throw Malformed($"contribution {c} is cut off");
            var idLength = BinaryPrimitives.ReadUInt16LittleEndian(body[at..]);
            at += 2;
            if (body.Length - at < idLength) throw Malformed($"contribution {c} is cut off");
            try { ids[c] = strict.GetString(body.Slice(at, idLength)); }
            catch (DecoderFallbackException) { throw Malformed($"contribution {c}'s id is not UTF-8"); }
            at += idLength;
        }
        if (at != body.Length) throw Malformed($"{body.Length - at} bytes follow the contribution ids");
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Length) throw Malformed("a contribution id is repeated");

        CheckTokens(narrow, wide, vocabSize, documentCount);
        CheckPermutation(suffixes);
        foreach (var contribution in documentContributions)
            if ((uint)contribution >= (uint)contributionCount) throw Malformed($"a document names contribution {contribution} of {contributionCount}");
        return new SpanIndex(vocabSize, narrow, wide, suffixes, documentContributions, ids);
    }

    /// <summary>Every token is in the vocabulary or is the separator, there is one separator per document, and the
    /// text ends with one (so every position belongs to a document).</summary>
    private static void CheckTokens(ushort[]? narrow, uint[]? wide, int vocabSize, int documentCount)
    {
        var n = narrow?.Length ?? wide!.Length;
        var separators = 0;
        uint last = 0;
        for (var i = 0; i < n; i++)
        {
            last = narrow is not null ? narrow[i] : wide![i];
            if (last > (uint)vocabSize) throw Malformed($"token {last} at {i} is outside the vocabulary [0, {vocabSize}]");
            if (last == (uint)vocabSize) separators++;
        }
        if (separators != documentCount) throw Malformed($"{separators} separators for {documentCount} documents");
        if (n > 0 && last != (uint)vocabSize) throw Malformed("the text does not end with a separator");
    }

    private static void CheckPermutation(int[] suffixes)
    {
        var seen = new System.Collections.BitArray(suffixes.Length);
        foreach (var position in suffixes)
        {
            if ((uint)position >= (uint)suffixes.Length || seen[position])
                throw Malformed($"suffix position {position} is out of range or repeated");
            seen[position] = true;
        }
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    private static InvalidSpanIndexException Malformed(string detail) => new(SpanIndexFault.Malformed, detail);

    /// <summary>Arrays are copied as raw memory; the format is little-endian, as every platform this runs on is.</summary>
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("span index artifacts are read and written on little-endian machines only");
    }
}
