using NBitcoin.Secp256k1;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Core.Crypto;

/// <summary>A secp256k1 private key and its Ethereum address.</summary>
public sealed class PrivateKey
{
    internal ECPrivKey Key { get; }
    private readonly byte[] _bytes;

    public Address Address { get; }

    public PrivateKey(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != 32 || !ECPrivKey.TryCreate(secret, out var key) || key is null)
            throw new ArgumentException("a private key is 32 bytes, non-zero and below the secp256k1 group order");
        Key = key;
        _bytes = secret.ToArray();
        Span<byte> pub = stackalloc byte[65];
        key.CreatePubKey().WriteToSpan(false, pub, out _);
        Address = Address.FromPublicKey(pub[1..]);
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
