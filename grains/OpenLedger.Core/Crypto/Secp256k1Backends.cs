namespace OpenLedger.Core.Crypto;

/// <summary>Chooses the <see cref="ISecp256k1Backend"/> once per process: libsecp256k1 when it loads and passes a
/// self-test against the managed port, otherwise the managed port, with the reason kept for the node's banner and /metrics.
/// OPENLEDGER_SECP256K1=managed forces the managed port (to compare the two, or to rule the native library out).</summary>
internal static class Secp256k1Backends
{
    public const string Setting = "OPENLEDGER_SECP256K1";

    private static readonly (ISecp256k1Backend Backend, string Description) Chosen =
        Choose(Environment.GetEnvironmentVariable(Setting), NativeSecp256k1.Load);

    /// <summary>The process's backend, chosen on first use.</summary>
    public static ISecp256k1Backend Active => Chosen.Backend;

    /// <summary>The backend in use and, for the managed one, why.</summary>
    public static string Description => Chosen.Description;

    /// <summary>The choice itself, with the native loader passed in so a test can make it fail.</summary>
    internal static (ISecp256k1Backend Backend, string Description) Choose(string? setting, Func<ISecp256k1Backend> loadNative)
    {
        var value = setting?.Trim().ToLowerInvariant();
        if (value == "managed")
        {
            return (ManagedSecp256k1.Instance, $"{ManagedSecp256k1.Instance.Name} ({Setting}=managed)");
        }
        // Anything but "managed" means: native if it works. An unrecognised value is named, not silently dropped.
        var note = value is null or "" or "auto" or "native" ? "" : $"; {Setting}='{setting}' is not auto, native or managed";
        try
        {
            var native = loadNative();
            SelfTest(native);
            return (native, native.Name + (note.Length == 0 ? "" : $" ({note[2..]})"));
        }
        catch (Exception e)
        {
            // Whatever went wrong (library missing, wrong architecture, a symbol missing, a wrong answer), the managed
            // port computes the same results: the node runs, slower, and says why.
            return (ManagedSecp256k1.Instance, $"{ManagedSecp256k1.Instance.Name} (native failed: {e.GetType().Name}: {e.Message}{note})");
        }
    }

    /// <summary>A known vector through the candidate and the managed port: the same public key, the same deterministic
    /// signature, the same recovered key. A library that loads but computes wrongly is not used.</summary>
    internal static void SelfTest(ISecp256k1Backend candidate)
    {
        // The web3.js documentation's key (address 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23).
        var secret = Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
        var managedKey = new PrivateKey(secret, ManagedSecp256k1.Instance);
        var candidateKey = new PrivateKey(secret, candidate);
        if (candidateKey.Address != managedKey.Address) throw new InvalidOperationException("self-test: public key differs from the managed port's");
        var digest = Keccak256.Hash("openledger secp256k1 self-test");
        Span<byte> expected = stackalloc byte[64];
        Span<byte> actual = stackalloc byte[64];
        ManagedSecp256k1.Instance.Sign(managedKey, digest.AsSpan(), expected, out var expectedId);
        candidate.Sign(candidateKey, digest.AsSpan(), actual, out var actualId);
        if (!actual.SequenceEqual(expected) || actualId != expectedId) throw new InvalidOperationException("self-test: signature differs from the managed port's");
        Span<byte> xy = stackalloc byte[64];
        if (!candidate.TryRecover(digest.AsSpan(), actual, actualId, xy) || Address.FromPublicKey(xy) != managedKey.Address)
            throw new InvalidOperationException("self-test: recovery did not return the signer");
    }
}
