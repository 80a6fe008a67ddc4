using System.Buffers.Binary;
using System.Runtime.Intrinsics;

namespace OpenLedger.Core.Content;

/// <summary>
/// MinHash signatures of texts, for near-duplicate detection: the fraction of equal slots of two signatures estimates
/// the Jaccard similarity of the two texts' shingle sets.
/// <para>A text's shingles are its word 3-grams (words are what <see cref="ContentNormalizer"/> leaves between single
/// spaces, lowercased); a text of fewer than 3 words uses its character 5-grams instead (the whole text when shorter),
/// and the empty text has the signature of the empty set, all slots <see cref="uint.MaxValue"/>.</para>
/// <para>Signatures are compared across nodes and stored, so everything here is fixed and nothing depends on the process
/// (never <see cref="string.GetHashCode()"/>) or the machine. A shingle is reduced to a 32-bit key: each word's UTF-8
/// bytes are hashed once with 64-bit FNV-1a and a word shingle combines its three word hashes in order (a character
/// shingle is FNV-1a of its bytes), then mixed. Slot i keeps the minimum over the shingles of
/// h_i(x) = (a_i·x + b_i) mod 2^64 ≫ 32, a 2-independent hash family (multiply-add-shift) whose 64-bit constants come
/// from a fixed-seed SplitMix64 sequence: one multiply and one add per slot and shingle, four slots per vector.</para>
/// </summary>
public static class MinHash
{
    /// <summary>Slots in a signature.</summary>
    public const int Length = 64;

    /// <summary>Bytes of an encoded signature (<see cref="Encode"/>).</summary>
    public const int EncodedLength = Length * sizeof(uint);

    private const int ShingleWords = 3;
    private const int ShingleChars = 5;

    /// <summary>The seed of the slots' hash constants. Changing it (or the derivation) changes every signature.</summary>
    private const ulong ConstantsSeed = 0x4F4C_4D69_6E48_6173; // "OLMinHas"

    private static readonly ulong[] A = new ulong[Length], B = new ulong[Length];

    static MinHash()
    {
        var state = ConstantsSeed;
        for (int i = 0; i < Length; i++)
        {
            A[i] = SplitMix64(ref state);
            B[i] = SplitMix64(ref state);
        }
    }

    /// <summary>The signature of <paramref name="content"/>'s normalized text; null when the content is binary (not
    /// valid UTF-8), which has no words to compare: binary content only has exact duplicates.</summary>
    public static uint[]? Signature(ReadOnlySpan<byte> content) =>
        ContentNormalizer.NormalizeText(content) is { } text ? FromNormalizedText(text) : null;

    /// <summary>The signature of a text already normalized by <see cref="ContentNormalizer.NormalizeText"/>.</summary>
    public static uint[] FromNormalizedText(string normalizedText)
    {
        var keys = ShingleKeys(System.Text.Encoding.UTF8.GetBytes(normalizedText.ToLowerInvariant()));
        var signature = new uint[Length];
        // Four slots at a time, each lane computing h_i exactly as a scalar loop would (integer arithmetic: the same
        // result with or without vector hardware). No keys (the empty text) leaves every slot at uint.MaxValue.
        for (int i = 0; i < Length; i += Vector256<ulong>.Count)
        {
            var a = Vector256.Create<ulong>(A.AsSpan(i));
            var b = Vector256.Create<ulong>(B.AsSpan(i));
            var min = Vector256.Create((ulong)uint.MaxValue);
            foreach (var key in keys) min = Vector256.Min(min, (a * Vector256.Create((ulong)key) + b) >> 32);
            for (int lane = 0; lane < Vector256<ulong>.Count; lane++) signature[i + lane] = (uint)min[lane];
        }
        return signature;
    }

    /// <summary>The 32-bit keys of a lowercased normalized text's shingles (an array: the hot loop above runs over it
    /// sixteen times).</summary>
    private static uint[] ShingleKeys(byte[] text)
    {
        if (text.Length == 0) return [];
        var words = WordHashes(text);
        if (words.Count >= ShingleWords)
        {
            var keys = new uint[words.Count - ShingleWords + 1];
            for (int i = 0; i < keys.Length; i++)
                keys[i] = Mix(words[i] * WordWeight1 + words[i + 1] * WordWeight2 + words[i + 2]);
            return keys;
        }
        var starts = CharStarts(text);
        if (starts.Count <= ShingleChars) return [Mix(Fnv1a64(text))];
        var charKeys = new uint[starts.Count - ShingleChars + 1];
        for (int i = 0; i < charKeys.Length; i++)
        {
            var end = i + ShingleChars < starts.Count ? starts[i + ShingleChars] : text.Length;
            charKeys[i] = Mix(Fnv1a64(text.AsSpan(starts[i], end - starts[i])));
        }
        return charKeys;
    }

    /// <summary>The fraction of slots in which <paramref name="a"/> and <paramref name="b"/> agree: an estimate of the
    /// Jaccard similarity of the two texts' shingle sets.</summary>
    public static double Similarity(uint[] a, uint[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length != b.Length || a.Length == 0)
            throw new ArgumentException($"signatures of {a.Length} and {b.Length} slots cannot be compared");
        int equal = 0;
        for (int i = 0; i < a.Length; i++) if (a[i] == b[i]) equal++;
        return (double)equal / a.Length;
    }

    /// <summary>The signature as <see cref="EncodedLength"/> bytes, each slot big-endian.</summary>
    public static byte[] Encode(uint[] signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Length != Length) throw new ArgumentException($"a signature has {Length} slots, got {signature.Length}");
        var bytes = new byte[EncodedLength];
        for (int i = 0; i < Length; i++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * sizeof(uint)), signature[i]);
        return bytes;
    }

    /// <summary>The signature <see cref="Encode"/> wrote.</summary>
    public static uint[] Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedLength) throw new ArgumentException($"an encoded signature is {EncodedLength} bytes, got {encoded.Length}");
        var signature = new uint[Length];
        for (int i = 0; i < Length; i++) signature[i] = BinaryPrimitives.ReadUInt32BigEndian(encoded[(i * sizeof(uint))..]);
        return signature;
    }

    // Odd constants that make a word shingle's key depend on the order of its words.
    private const ulong WordWeight1 = 0x9E37_79B9_7F4A_7C15UL, WordWeight2 = 0xC2B2_AE3D_27D4_EB4FUL;

    /// <summary>A 64-bit value to a 32-bit key, every input bit affecting every output bit (MurmurHash3's fmix64).</summary>
    private static uint Mix(ulong h)
    {
        h = (h ^ (h >> 33)) * 0xFF51_AFD7_ED55_8CCDUL;
        h = (h ^ (h >> 33)) * 0xC4CE_B9FE_1A85_EC53UL;
        return (uint)(h ^ (h >> 33));
    }

    private static ulong Fnv1a64(ReadOnlySpan<byte> data)
    {
        var h = 0xCBF2_9CE4_8422_2325UL;
        foreach (var b in data) h = (h ^ b) * 0x0000_0100_0000_01B3UL;
        return h;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The FNV-1a hash of each word: each run of bytes between spaces.</summary>
    private static List<ulong> WordHashes(byte[] text)
    {
        var hashes = new List<ulong>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            var space = i == text.Length || text[i] == (byte)' ';
            if (space && start >= 0)
            {
                hashes.Add(Fnv1a64(text.AsSpan(start, i - start)));
                start = -1;
            }
            else if (!space && start < 0) start = i;
        }
        return hashes;
    }

    /// <summary>Byte offsets where each character (code point) of the UTF-8 text starts.</summary>
    private static List<int> CharStarts(byte[] text)
    {
        var starts = new List<int>(text.Length);
        for (int i = 0; i < text.Length; i++)
            if ((text[i] & 0xC0) != 0x80) starts.Add(i);
        return starts;
    }
}
