using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Tests.Core;

public class CryptoTests
{
    /// <summary>Both backends run the signing and recovery tests: libsecp256k1 and the managed port it falls back to.</summary>
    public static TheoryData<string> Backends => new() { "native", "managed" };

    internal static ISecp256k1Backend Backend(string name) => name switch
    {
        // Loaded directly (not through the process's choice): this fails, rather than silently testing the managed port
        // twice, when the native library does not load from the test's output folder.
        "native" => NativeSecp256k1.Load(),
        "managed" => ManagedSecp256k1.Instance,
        _ => throw new ArgumentException(name),
    };

    [Fact]
    public void Keccak256_matches_known_vectors()
    {
        Assert.Equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Keccak256.Hash([]).ToString());
        Assert.Equal("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", Keccak256.Hash("abc").ToString());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Address_of_a_known_private_key_matches_Ethereum(string backend)
    {
        // The key/address pair from the web3.js accounts documentation.
        var key = new PrivateKey(Hex.Decode("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"), Backend(backend));
        Assert.Equal("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", key.Address.ToString());
    }

    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    public void Eip55_checksums_match_the_specification(string text)
    {
        var a = Address.Parse(text.ToLowerInvariant());
        Assert.Equal(text, a.ToString());
        Assert.True(Address.TryParse(text.ToUpperInvariant().Replace("0X", "0x"), out _));
    }

    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")] // one letter's case flipped: bad checksum
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae")]  // 39 hex digits
    [InlineData("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]   // no 0x
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg")] // not hex
    [InlineData("")]
    public void Malformed_addresses_are_rejected(string text) => Assert.False(Address.TryParse(text, out _));

    [Theory]
    [MemberData(nameof(Backends))]
    public void Sign_then_recover_returns_the_signer_and_signatures_are_low_s(string backend)
    {
        var b = Backend(backend);
        var key = PrivateKey.Derive("crypto test", "0");
        for (int i = 0; i < 50; i++)
        {
            var digest = Keccak256.Hash($"message {i}");
            var sig = Secp256k1.Sign(b, key, digest);
            Assert.Equal(RecoveryFailure.None, Secp256k1.TryRecover(b, digest, sig, out var signer));
            Assert.Equal(key.Address, signer);
            Assert.True(sig.V is 27 or 28);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void High_s_twin_of_a_valid_signature_is_rejected(string backend)
    {
        var b = Backend(backend);
        var key = PrivateKey.Derive("crypto test", "1");
        var digest = Keccak256.Hash("malleability");
        var sig = Secp256k1.Sign(b, key, digest);
        // s' = n - s with the recovery id flipped recovers the same key: the classic malleation.
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var s = new System.Numerics.BigInteger(sig.S.AsSpan(), isUnsigned: true, isBigEndian: true);
        var highS = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[32];
        highS.CopyTo(padded, 32 - highS.Length);
        var twin = new Signature(sig.R, new Hash32(padded), (byte)(sig.V == 27 ? 28 : 27));
        Assert.Equal(RecoveryFailure.HighS, Secp256k1.TryRecover(b, digest, twin, out _));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Bad_recovery_ids_and_zero_signatures_are_rejected(string backend)
    {
        var b = Backend(backend);
        var key = PrivateKey.Derive("crypto test", "2");
        var digest = Keccak256.Hash("v");
        var sig = Secp256k1.Sign(b, key, digest);
        Assert.Equal(RecoveryFailure.BadRecoveryId, Secp256k1.TryRecover(b, digest, sig with { V = 29 }, out _));
        Assert.Equal(RecoveryFailure.Malformed, Secp256k1.TryRecover(b, digest, new Signature(Hash32.Zero, Hash32.Zero, 27), out _));
        var overOrder = new Hash32(Hex.Decode("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
        Assert.Equal(RecoveryFailure.Malformed, Secp256k1.TryRecover(b, digest, new Signature(overOrder, sig.S, 27), out _));
    }

    [Fact]
    public void Derived_keys_are_deterministic_and_documented()
    {
        // key i = keccak256(utf8(seed + "/" + i)); anyone can re-derive the dev accounts.
        var key = PrivateKey.Derive("openledger dev seed", "0");
        Assert.Equal(Keccak256.Hash("openledger dev seed/0").ToString(), key.ToHex());
        Assert.Equal("0x0dCF19e422c3321aea321eDEadAC79A18EA3c2E1", key.Address.ToString());
    }
}
