using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Eip712;

/// <summary>The EIP-712 domain every OpenLedger transaction is signed under. The chain id in it means a
/// transaction signed for one chain recovers to a different signer on any other chain.</summary>
public sealed record Eip712Domain(string Name, string Version, ulong ChainId)
{
    public const string DefaultName = "OpenLedger";
    public const string DefaultVersion = "1";
    public const string TypeString = "EIP712Domain(string name,string version,uint256 chainId)";

    private static readonly Hash32 TypeHash = Keccak256.Hash(TypeString);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, Eip712Domain> ByChain = new();

    /// <summary>The domain of a chain, built once per chain id (its separator costs three hashes). The cache is
    /// bounded: ids beyond the first few (only ever a node's own chain and test chains) are built each time.</summary>
    public static Eip712Domain ForChain(ulong chainId) =>
        ByChain.TryGetValue(chainId, out var d) ? d
        : ByChain.Count < 16 ? ByChain.GetOrAdd(chainId, id => new(DefaultName, DefaultVersion, id))
        : new(DefaultName, DefaultVersion, chainId);

    /// <summary>hashStruct(domain), computed once per domain.</summary>
    public Hash32 Separator { get; } = ComputeSeparator(Name, Version, ChainId);

    private static Hash32 ComputeSeparator(string name, string version, ulong chainId)
    {
        var s = new StructHasher(TypeHash);
        s.String(name);
        s.String(version);
        s.UInt(chainId);
        return s.Finish();
    }

    /// <summary>The digest a wallet signs: keccak256(0x19 0x01 || domainSeparator || hashStruct(message)).</summary>
    public Hash32 Digest(Hash32 structHash)
    {
        Span<byte> buf = stackalloc byte[66];
        buf[0] = 0x19; buf[1] = 0x01;
        Separator.CopyTo(buf[2..]);
        structHash.CopyTo(buf[34..]);
        return Keccak256.Hash(buf);
    }
}
