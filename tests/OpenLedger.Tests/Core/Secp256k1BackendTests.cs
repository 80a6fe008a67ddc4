using System.Diagnostics;
using System.Numerics;
using OpenLedger.Core.Crypto;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Core;

/// <summary>libsecp256k1 and the managed port agree: on signatures, on recovered signers, and on every rejection; and the
/// process falls back to the managed port, saying why, when the native library cannot be used.</summary>
public class Secp256k1BackendTests(ITestOutputHelper output)
{
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    /// <summary>Signatures in the cross-check; OPENLEDGER_SECP256K1_CROSSCHECK overrides (e.g. 1000000 for a long hunt).</summary>
    private static int CrossCheckCount =>
        int.TryParse(Environment.GetEnvironmentVariable("OPENLEDGER_SECP256K1_CROSSCHECK"), out var n) && n > 0 ? n : 100_000;

    [Fact]
    public void Both_backends_agree_on_random_signatures_and_on_every_kind_of_bad_one()
    {
        var native = CryptoTests.Backend("native");
        var managed = CryptoTests.Backend("managed");
        int count = CrossCheckCount;
        var clock = Stopwatch.StartNew();
        // A fixed seed per chunk: a failure names the case, and a rerun repeats it.
        var disagreements = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var failures = new int[Enum.GetValues<RecoveryFailure>().Length];
        Parallel.For(0, Environment.ProcessorCount, worker =>
        {
            var rng = new Random(1717 + worker);
            Span<byte> secret = stackalloc byte[32], bytes = stackalloc byte[32];
            PrivateKey? key = null;
            for (int i = worker; i < count; i += Environment.ProcessorCount)
            {
                if (key is null || i % 100 < Environment.ProcessorCount)
                {
                    rng.NextBytes(secret);
                    try { key = new PrivateKey(secret, native); }
                    catch (ArgumentException) { continue; } // not below the order: astronomically rare
                    // Keys are derived alike by both.
                    if (new PrivateKey(secret, managed).Address != key.Address) disagreements.Enqueue($"case {i}: public keys differ");
                }
                rng.NextBytes(bytes);
                var digest = new Hash32(bytes);
                var sig = Secp256k1.Sign(native, key, digest);
                // The managed port signs alike (RFC 6979 is deterministic); checked on a share, managed signing being slow.
                if (i % 20 == 0 && Secp256k1.Sign(managed, key, digest) != sig) disagreements.Enqueue($"case {i}: signatures differ");
                var candidate = Mutate(sig, i, rng);
                var a = Secp256k1.TryRecover(native, digest, candidate, out var signerA);
                var b = Secp256k1.TryRecover(managed, digest, candidate, out var signerB);
                if (a != b || signerA != signerB) disagreements.Enqueue($"case {i} ({i % 8}): native {a} {signerA}, managed {b} {signerB}");
                else if (i % 8 == 0 && (a != RecoveryFailure.None || signerA != key.Address)) disagreements.Enqueue($"case {i}: the signer was not recovered");
                Interlocked.Increment(ref failures[(int)a]);
            }
        });
        output.WriteLine($"{count:N0} signatures (a new key every 100) in {clock.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores; " +
                         string.Join(", ", Enum.GetValues<RecoveryFailure>().Select(f => $"{f} {failures[(int)f]:N0}")));
        Assert.Empty(disagreements.Take(20));
        // Every kind of answer occurred, so the comparison covered each path.
        Assert.All(Enum.GetValues<RecoveryFailure>(), f => Assert.True(failures[(int)f] > 0, $"no case ended in {f}"));
    }

    /// <summary>Case i % 8: the valid signature, or one broken in a way some rule or the curve rejects.</summary>
    private static Signature Mutate(Signature sig, int i, Random rng) => (i % 8) switch
    {
        0 => sig,
        1 => sig with { V = (byte)rng.Next(256) },                            // mostly a bad v, sometimes 27/28 (wrong or right)
        2 => sig with { S = Scalar(N - Big(sig.S)), V = (byte)(55 - sig.V) }, // the high-s twin (27 <-> 28)
        3 => sig with { R = Random32(rng) },                                  // any r: half have no point, the rest another signer
        4 => sig with { S = Random32(rng) },                                  // any s: half are high
        5 => (rng.Next(4)) switch                                             // zero, the order, above it
        {
            0 => sig with { R = Hash32.Zero },
            1 => sig with { S = Hash32.Zero },
            2 => sig with { R = Scalar(N + rng.Next(0, 1000)) },
            _ => sig with { S = Scalar(N) },
        },
        6 => sig with { S = Scalar(N / 2 + rng.Next(0, 2)) },                 // the low-s boundary: n/2 allowed, n/2 + 1 not
        _ => sig with { R = sig.S, S = sig.R },                               // r and s swapped
    };

    private static BigInteger Big(Hash32 h) => new(h.AsSpan(), isUnsigned: true, isBigEndian: true);

    private static Hash32 Scalar(BigInteger x)
    {
        var bytes = (x % BigInteger.Pow(2, 256)).ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return new Hash32(padded);
    }

    private static Hash32 Random32(Random rng)
    {
        Span<byte> b = stackalloc byte[32];
        rng.NextBytes(b);
        return new Hash32(b);
    }

    [Fact]
    public void The_process_uses_native_libsecp256k1_on_this_machine_and_says_so()
    {
        // CI runs on the machines the nodes run on: the bundled library must load there (an explicit
        // OPENLEDGER_SECP256K1=managed run of the tests is the one exception).
        if (Environment.GetEnvironmentVariable(Secp256k1Backends.Setting) == "managed")
        {
            Assert.False(Secp256k1.IsNative);
            Assert.StartsWith("managed NBitcoin.Secp256k1", Secp256k1.Backend);
            return;
        }
        Assert.True(Secp256k1.IsNative, Secp256k1.Backend);
        Assert.StartsWith("native libsecp256k1 (Secp256k1.Net 2.0.0", Secp256k1.Backend);
    }

    [Fact]
    public void Forcing_managed_uses_the_managed_port_without_loading_native()
    {
        var (backend, description) = Secp256k1Backends.Choose(" Managed ", () => throw new InvalidOperationException("must not be loaded"));
        Assert.Same(ManagedSecp256k1.Instance, backend);
        Assert.Equal("managed NBitcoin.Secp256k1 (OPENLEDGER_SECP256K1=managed)", description);
    }

    [Fact]
    public void A_native_library_that_does_not_load_falls_back_to_managed_with_the_reason()
    {
        var (backend, description) = Secp256k1Backends.Choose(null, () => throw new DllNotFoundException("libsecp256k1.so: cannot open shared object file"));
        Assert.Same(ManagedSecp256k1.Instance, backend);
        Assert.Equal("managed NBitcoin.Secp256k1 (native failed: DllNotFoundException: libsecp256k1.so: cannot open shared object file)", description);
        // The fallback signs and recovers: the node keeps working.
        var key = new PrivateKey(Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"), backend);
        var digest = Keccak256.Hash("fallback");
        Assert.Equal(RecoveryFailure.None, Secp256k1.TryRecover(backend, digest, Secp256k1.Sign(backend, key, digest), out var signer));
        Assert.Equal(key.Address, signer);
    }

    [Fact]
    public void A_native_library_that_computes_wrongly_fails_the_self_test_and_is_not_used()
    {
        var (backend, description) = Secp256k1Backends.Choose("auto", () => new OffByOneRecovery(NativeSecp256k1.Load()));
        Assert.Same(ManagedSecp256k1.Instance, backend);
        Assert.Equal("managed NBitcoin.Secp256k1 (native failed: InvalidOperationException: self-test: recovery did not return the signer)", description);
    }

    [Fact]
    public void Auto_chooses_native_and_names_an_unrecognised_setting()
    {
        var (backend, description) = Secp256k1Backends.Choose(null, NativeSecp256k1.Load);
        Assert.True(backend.IsNative);
        Assert.Equal(backend.Name, description);
        (_, description) = Secp256k1Backends.Choose("fast", NativeSecp256k1.Load);
        Assert.Equal($"{backend.Name} (OPENLEDGER_SECP256K1='fast' is not auto, native or managed)", description);
    }

    /// <summary>A real native backend whose recovered keys are corrupted by one bit: a library that loads but is wrong.</summary>
    private sealed class OffByOneRecovery(ISecp256k1Backend inner) : ISecp256k1Backend
    {
        public string Name => inner.Name;
        public bool IsNative => true;
        public void Sign(PrivateKey key, ReadOnlySpan<byte> digest, Span<byte> compact, out int recoveryId) => inner.Sign(key, digest, compact, out recoveryId);
        public void PublicKey(PrivateKey key, Span<byte> xy) => inner.PublicKey(key, xy);

        public bool TryRecover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> compact, int recoveryId, Span<byte> xy)
        {
            if (!inner.TryRecover(digest, compact, recoveryId, xy)) return false;
            xy[63] ^= 1;
            return true;
        }
    }
}
