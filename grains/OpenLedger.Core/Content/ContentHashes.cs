using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Content;

/// <summary>What the chain records of a piece of content: the keccak256 of its bytes (its address in the content
/// store), the keccak256 of its normalized form (equal for exact duplicates, see <see cref="ContentNormalizer"/>) and
/// its size in bytes.</summary>
public readonly record struct ContentDigest(Hash32 ContentHash, Hash32 NormalizedHash, long Size);

/// <summary>Computes a <see cref="ContentDigest"/>.</summary>
public static class ContentHashes
{
    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static ContentDigest Compute(ReadOnlySpan<byte> content) => Compute(content, out _);

    /// <summary>The digest of <paramref name="content"/>, and its normalized text (null for binary content), for
    /// callers that also need a <see cref="MinHash"/> signature and should not normalize twice.</summary>
    public static ContentDigest Compute(ReadOnlySpan<byte> content, out string? normalizedText)
    {
        var contentHash = Keccak256.Hash(content);
        normalizedText = ContentNormalizer.NormalizeText(content);
        // Binary content is its own normal form: its two hashes are the same and need computing once.
        if (normalizedText is null) return new ContentDigest(contentHash, contentHash, content.Length);
        // Text that was already in normal form (one line of prose, say) need not be hashed again either.
        var normalized = System.Text.Encoding.UTF8.GetBytes(normalizedText);
        var normalizedHash = normalized.AsSpan().SequenceEqual(content) ? contentHash : Keccak256.Hash(normalized);
        return new ContentDigest(contentHash, normalizedHash, content.Length);
    }
}
