using OpenLedger.Core.Crypto;

namespace OpenLedger.Storage.Content;

/// <summary>
/// The off-chain store of contribution content, addressed by keccak256 of the bytes. Contributors upload content here
/// before signing the <c>Contribute</c> transaction that names it by hash; the chain keeps only hashes and sizes. It
/// lives in the node's database, so every silo of a cluster sees the same content. Content is immutable: a hash
/// always names the same bytes, so writes are idempotent and there are no updates or deletes.
/// </summary>
public interface IContentStore
{
    /// <summary>Creates the store's tables if they do not exist.</summary>
    Task EnsureSchemaAsync(CancellationToken ct = default);

    /// <summary>Stores <paramref name="content"/> unless it is already stored, and returns its info (the first
    /// store's <see cref="ContentInfo.CreatedMs"/> when it was). Safe to call concurrently with the same bytes.</summary>
    /// <exception cref="ContentTooLargeException">Above the store's safety maximum; nothing was written.</exception>
    Task<ContentInfo> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct = default);

    /// <summary>The info of the content with this hash, or null if it is not stored.</summary>
    Task<ContentInfo?> GetInfoAsync(Hash32 hash, CancellationToken ct = default);

    /// <summary>The bytes of the content with this hash, or null if it is not stored.</summary>
    Task<byte[]?> GetAsync(Hash32 hash, CancellationToken ct = default);

    /// <summary>The infos of those of <paramref name="hashes"/> that are stored (absent ones are not in the result).</summary>
    Task<IReadOnlyDictionary<Hash32, ContentInfo>> GetInfosAsync(IReadOnlyCollection<Hash32> hashes, CancellationToken ct = default);
}
