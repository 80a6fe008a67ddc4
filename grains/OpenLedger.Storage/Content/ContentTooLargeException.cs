namespace OpenLedger.Storage.Content;

/// <summary>Content above the store's safety maximum was refused before anything was written.</summary>
public sealed class ContentTooLargeException(long limit, long size)
    : Exception($"content of {size} bytes exceeds the content store's maximum of {limit} bytes")
{
    /// <summary>The store's maximum, in bytes.</summary>
    public long Limit { get; } = limit;

    /// <summary>The refused content's size, in bytes.</summary>
    public long Size { get; } = size;
}
