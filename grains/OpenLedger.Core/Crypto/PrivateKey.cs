using NBitcoin.Secp256k1;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Core.Crypto;

/// <summary>A secp256k1 private key and its Ethereum address.</summary>
public sealed class PrivateKey
{
    /// <summary>The managed port's form of the key (validity check, and signing when the managed backend is in use).</summary>
    internal ECPrivKey Key { get; }
    private readonly byte[] _bytes;

    /// <summary>The 32-byte secret, for the native backend.</summary>
    internal ReadOnlySpan<byte> Secret => _bytes;

    public Address Address { get; }

    public PrivateKey(ReadOnlySpan<byte> secret) : this(secret, Secp256k1Backends.Active) { }

    /// <summary>With the backend named: the backend self-test builds keys before a backend is chosen.</summary>
    internal PrivateKey(ReadOnlySpan<byte> secret, ISecp256k1Backend backend)
    {
        if (secret.Length != 32 || !ECPrivKey.TryCreate(secret, out var key) || key is null)
            throw new ArgumentException("a private key is 32 bytes, non-zero and below the secp256k1 group order");
        Key = key;
        _bytes = secret.ToArray();
        Span<byte> xy = stackalloc byte[64];
        backend.PublicKey(this, xy);
        Address = Address.FromPublicKey(xy);
    }

    public static PrivateKey Parse(string hex) => new(Hex.Decode(hex));

    public static PrivateKey Generate()
    {
        while (true)
        {
            var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            if (ECPrivKey.TryCreate(secret, out _)) return new PrivateKey(secret);
        }
    }

    /// <summary>Derived keys: keccak256("{seed}/{label}"), re-hashed in the (negligible) case it is not a valid scalar.
    /// Documented in the README so anyone can re-derive them, e.g. with ethers: keccak256(toUtf8Bytes(seed + "/" + i)).</summary>
    public static PrivateKey Derive(string seed, string label)
    {
        var h = Keccak256.Hash($"{seed}/{label}");
        while (!ECPrivKey.TryCreate(h.AsSpan(), out _)) h = Keccak256.Hash(h.AsSpan());
        return new PrivateKey(h.AsSpan());
    }

    public string ToHex() => Hex.Encode(_bytes);

    public Signature Sign(Hash32 digest) => Secp256k1.Sign(this, digest);
}
