using System.Buffers.Binary;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution.Spans;

namespace OpenLedger.Tests.ML.Attribution.Spans;

public class SpanIndexFormatTests
{
    private static readonly CorpusDocument[] Documents =
    [
        new("0x01", [5, 6, 7, 8, 9, 5, 6, 7]),
        new("0x02", [1, 5, 6, 7, 8, 2]),
        new("0x01", []),
        new("contribution \u00e9", [9, 9, 9, 5, 6]),
    ];

    private static byte[] Artifact() => SpanIndex.Build(TokenCorpus.Create(Documents, 12)).ToBytes();

    [Fact]
    public void Round_trips_byte_for_byte_and_answers_the_same()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 200; trial++)
        {
            var vocab = random.Next(1, 6);
            var documents = RandomCorpora.Documents(random, vocab);
            var index = SpanIndex.Build(TokenCorpus.Create(documents, vocab));
            var bytes = index.ToBytes();
            var loaded = SpanIndex.Load(bytes);
            Assert.Equal(bytes, loaded.ToBytes());
            // The same corpus built again writes the same artifact (its hash can be registered).
            Assert.Equal(bytes, SpanIndex.Build(TokenCorpus.Create(documents, vocab)).ToBytes());
            Assert.Equal(index.ContributionIds, loaded.ContributionIds);
            var output = RandomCorpora.Output(random, documents, vocab);
            var options = new SpanQueryOptions { MinLength = 2 };
            Assert.Equal(
                index.FindSpans(output, options).Select(s => (s.Start, s.Length, s.Count, string.Join(",", s.Occurrences))),
                loaded.FindSpans(output, options).Select(s => (s.Start, s.Length, s.Count, string.Join(",", s.Occurrences))));
        }
    }

    [Fact]
    public void Bytes_per_token_stay_under_eight_for_a_16_bit_vocabulary()
    {
        var random = new Random(5);
        var documents = Enumerable.Range(0, 100)
            .Select(d => new CorpusDocument($"0x{d:x64}", [.. Enumerable.Range(0, 200).Select(_ => random.Next(2048))]))
            .ToArray();
        var index = SpanIndex.Build(TokenCorpus.Create(documents, 2048));
        // 2 (token) + 4 (suffix) per token, plus a separator and a contribution per 200-token document.
        Assert.InRange(index.ToBytes().Length / (double)index.TokenCount, 6.0, 7.0);
    }

    [Fact]
    public void Every_truncation_is_refused_as_truncated()
    {
        var bytes = Artifact();
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<InvalidSpanIndexException>(() => SpanIndex.Load(bytes.AsSpan(0, length)));
            Assert.Equal(SpanIndexFault.Truncated, error.Fault);
            Assert.Equal("span-index-truncated", error.Code);
        }
    }

    [Fact]
    public void Every_flipped_body_byte_is_a_checksum_mismatch()
    {
        var bytes = Artifact();
        for (var at = SpanIndexFormat.HeaderLength; at < bytes.Length; at++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x10;
            Assert.Equal(SpanIndexFault.ChecksumMismatch, Assert.Throws<InvalidSpanIndexException>(() => SpanIndex.Load(damaged)).Fault);
        }
    }

    [Fact]
    public void Other_files_versions_and_trailing_bytes_are_refused_with_their_reasons()
    {
        var bytes = Artifact();
        Assert.Equal(SpanIndexFault.NotASpanIndex, Fault([.. "PK\u0003\u0004"u8, .. new byte[200]]));
        Assert.Equal(SpanIndexFault.NotASpanIndex, Fault("{}"u8.ToArray()));

        var future = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(future.AsSpan(8), 2);
        Assert.Equal(SpanIndexFault.UnsupportedVersion, Fault(future));

        Assert.Equal(SpanIndexFault.Malformed, Fault([.. bytes, 0]));
        var checksum = (byte[])bytes.Clone();
        checksum[45] ^= 1;
        Assert.Equal(SpanIndexFault.ChecksumMismatch, Fault(checksum));
    }

    [Fact]
    public void Impossible_contents_under_a_valid_checksum_are_malformed()
    {
        // As a writer other than ours would produce them: each change is made and the checksum recomputed.
        var n = SpanIndex.Build(TokenCorpus.Create(Documents, 12)).TextLength;
        var tokens = SpanIndexFormat.HeaderLength;
        var suffixes = tokens + 2 * n;
        Assert.Equal(SpanIndexFault.Malformed, Fault(Rehashed(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(tokens), 13))));
        Assert.Equal(SpanIndexFault.Malformed, Fault(Rehashed(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(tokens), 12))));
        Assert.Equal(SpanIndexFault.Malformed, Fault(Rehashed(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(suffixes), 1 - n))));
        Assert.Equal(SpanIndexFault.Malformed, Fault(Rehashed(b =>
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(suffixes), BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(suffixes + 4))))));
        Assert.Equal(SpanIndexFault.Malformed, Fault(Rehashed(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(suffixes + 4 * n), 7))));
        Assert.Equal(SpanIndexFault.Malformed, Fault(Rehashed(b => b[10] = 4)));
        Assert.Equal(SpanIndexFault.Malformed, Fault(Rehashed(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), 3))));
    }

    private static SpanIndexFault Fault(byte[] artifact) => Assert.Throws<InvalidSpanIndexException>(() => SpanIndex.Load(artifact)).Fault;

    private static byte[] Rehashed(Action<byte[]> change)
    {
        var bytes = Artifact();
        change(bytes);
        Keccak256.Hash(bytes.AsSpan(SpanIndexFormat.HeaderLength)).CopyTo(bytes.AsSpan(40));
        return bytes;
    }
}
