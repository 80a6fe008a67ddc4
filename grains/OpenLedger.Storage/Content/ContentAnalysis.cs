using OpenLedger.Core.Content;

namespace OpenLedger.Storage.Content;

/// <summary>What the content store computes of content before it stores it: its digest (content hash, normalized hash,
/// size) and, for text, its MinHash signature.</summary>
/// <param name="Digest">See <see cref="ContentHashes"/>.</param>
/// <param name="MinHash">The signature of its normalized text (<see cref="Core.Content.MinHash"/>); null for binary content.</param>
public sealed record ContentAnalysis(ContentDigest Digest, uint[]? MinHash)
{
    /// <summary>Content of at least this many bytes is analysed on the thread pool (see <see cref="AnalyzeAsync"/>);
    /// smaller content (a typical contribution of a few KiB takes tens of microseconds) on the caller's thread, which
    /// saves two thread hops per upload.</summary>
    public const int OffloadBytes = 64 * 1024;

    /// <summary>How many large analyses run at once: half the cores, at least one.</summary>
    public static int MaxConcurrent { get; } = Math.Max(1, Environment.ProcessorCount / 2);

    private static readonly SemaphoreSlim Gate = new(MaxConcurrent, MaxConcurrent);

    /// <summary>Analyses <paramref name="content"/> on the calling thread.</summary>
    public static ContentAnalysis Analyze(ReadOnlySpan<byte> content)
    {
        var digest = ContentHashes.Compute(content, out var normalizedText);
        return new ContentAnalysis(digest, normalizedText is null ? null : Core.Content.MinHash.FromNormalizedText(normalizedText));
    }

    /// <summary>Analyses <paramref name="content"/>; large content off the caller's thread, at most
    /// <see cref="MaxConcurrent"/> at a time. Normalising, hashing and signing content is CPU work linear in its size
    /// (a MiB of text is tens of milliseconds), and the caller is typically a grain (an upload is a turn of an Orleans
    /// activation): on the thread pool it holds no activation's turn, and the gate keeps uploads to their share of the
    /// cores, so a burst of large uploads cannot starve the block producer and the signature checks. A cancelled
    /// caller that is still waiting for the gate starts nothing.</summary>
    public static async Task<ContentAnalysis> AnalyzeAsync(ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        if (content.Length < OffloadBytes) return Analyze(content.Span);
        await Gate.WaitAsync(ct);
        try
        {
            return await Task.Run(() => Analyze(content.Span), ct);
        }
        finally
        {
            Gate.Release();
        }
    }
}
