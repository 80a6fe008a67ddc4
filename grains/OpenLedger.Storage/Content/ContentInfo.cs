using OpenLedger.Core.Crypto;

namespace OpenLedger.Storage.Content;

/// <summary>What the content store knows of a piece of content besides its bytes.</summary>
/// <param name="Hash">keccak256 of the bytes: the content's address.</param>
/// <param name="NormalizedHash">keccak256 of its normalized form (OpenLedger.Core.Content.ContentNormalizer).</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="MinHash">Its MinHash signature (OpenLedger.Core.Content.MinHash), null for binary content. Records
/// compare this array by reference.</param>
/// <param name="CreatedMs">When the store first received it (Unix milliseconds, the storing node's clock).</param>
public sealed record ContentInfo(Hash32 Hash, Hash32 NormalizedHash, long Size, uint[]? MinHash, long CreatedMs);
