using System.Text;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Transactions.Fields;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Clients;

/// <summary>
/// Every transaction kind against a real wallet library: ethers v6 (tests/js/sign-typed-data.mjs) signs the typed-data
/// document <see cref="TypedDataDocument.ToJson"/> produces and computes its own EIP-712 digest. Our digest must be the
/// same (in particular the array encodings: <c>string[]</c> as keccak of the elements' keccaks concatenated), the
/// ethers signature must pass <see cref="TransactionVerifier"/>, and the document must parse back to the same
/// transaction. Signs with keys 30..39 of the shared cluster's chain (nothing is submitted, so no balance changes).
/// </summary>
[Collection("ledger-cluster")]
public sealed class EthersMarketplaceSigningTests(LedgerClusterFixture fx)
{
    private const string SignScript = "sign-typed-data.mjs";
    private const int PropertySeed = 712_2025;
    private const int PropertyCount = 50;

    private static readonly Wei MaxWei = new(UInt128.MaxValue);                              // 2^128 - 1
    private static readonly Wei Big = Wei.Parse("340282366920938463463374607431768211000"); // > 2^127
    private static readonly Wei Odd = Wei.Parse("18446744073709551617");                    // 2^64 + 1

    private sealed record EthersResult(Hash32 Hash, Signature Signature, string Address, string? From);

    private sealed record Sample(string Label, PrivateKey Key, Transaction Tx);

    [Fact]
    public async Task Every_kind_signed_by_ethers_has_our_digest_verifies_and_parses_back()
    {
        var missing = Enum.GetValues<TxKind>().Where(k => !SampleBodies(k).Any()).ToList();
        Assert.True(missing.Count == 0,
            $"no ethers signing sample for {string.Join(", ", missing)}: add realistic bodies for new kinds to {nameof(SampleBodies)}");

        var samples = BuildSamples();
        Assert.Equal(Enum.GetValues<TxKind>().OrderBy(k => k), samples.Select(s => s.Tx.Kind).Distinct().OrderBy(k => k));
        var signed = await SignWithEthersAsync(samples);

        for (int i = 0; i < samples.Count; i++)
            AssertEthersAgrees(samples[i], signed[i]);

        // all the samples are different intents, so their digests differ
        Assert.Equal(samples.Count, signed.Select(s => s.Hash).Distinct().Count());

        // the ethers signature binds the body: another nonce (or chain) is a different digest, which recovers someone else
        foreach (var (s, e) in samples.Zip(signed).DistinctBy(p => p.First.Tx.Kind))
        {
            var other = s.Tx with { Nonce = s.Tx.Nonce ^ 1 };
            var error = TransactionVerifier.Verify(new SignedTransaction(other, e.Signature).Encode(), other.ChainId,
                fx.Chain.Rules.MaxTransactionBytes, out _);
            Assert.True(error.Code == ErrorCode.SignerMismatch, $"{s.Label}: another nonce under the same ethers signature gave {error}");
        }
    }

    [Fact]
    public async Task String_array_elements_are_hashed_one_by_one_like_ethers_so_regroupings_differ()
    {
        var key = fx.Chain.Keys[35];
        var datanet = H(0x51);
        string[][] tagSets =
        [
            [], [""], ["", ""], ["abc"], ["ab", "c"], ["a", "bc"], ["c", "ab"], ["abc", ""], ["", "abc"],
            ["Données 🚀"], ["Données", " 🚀"], ["e\u0301"], ["\u00e9"],   // NFD and NFC é: different bytes, different hashes
        ];
        var samples = tagSets.Select((tags, i) => new Sample($"tags {System.Text.Json.JsonSerializer.Serialize(tags)}", key,
            new Transaction(fx.Chain.Rules.ChainId, key.Address, (ulong)i, fx.Chain.GasPrice, new UpdateDatanet(datanet, "", tags, [])))).ToList();
        var signed = await SignWithEthersAsync(samples);
        for (int i = 0; i < samples.Count; i++)
        {
            // an empty tag is refused by the codec (tags are required text), but it still has an EIP-712 encoding to agree on
            if (tagSets[i].Contains("")) AssertSameDigest(samples[i], signed[i]);
            else AssertEthersAgrees(samples[i], signed[i]);
        }

        // same nonce everywhere: only the tags differ, and every grouping of the same characters is its own digest
        var sameNonce = tagSets.Select(tags => new Sample("", key,
            new Transaction(fx.Chain.Rules.ChainId, key.Address, 7, fx.Chain.GasPrice, new UpdateDatanet(datanet, "", tags, [])))).ToList();
        var hashes = await SignWithEthersAsync(sameNonce);
        for (int i = 0; i < sameNonce.Count; i++) Assert.Equal(sameNonce[i].Tx.SigningHash(), hashes[i].Hash);
        Assert.Equal(tagSets.Length, hashes.Select(h => h.Hash).Distinct().Count());
    }

    [Fact]
    public async Task Random_datanets_settlements_and_models_hash_identically_in_ethers_and_csharp()
    {
        var rng = new Random(PropertySeed);
        var chainId = fx.Chain.Rules.ChainId;
        var samples = new List<Sample>();
        for (int i = 0; i < PropertyCount; i++)
        {
            ITxBody body = (i % 3) switch
            {
                0 => RandomCreateDatanet(rng),
                1 => RandomSettleAttribution(rng),
                _ => RandomRegisterModel(rng),
            };
            var key = fx.Chain.Keys[30 + rng.Next(10)];
            var tx = new Transaction(chainId, key.Address, RandomULong(rng), RandomWei(rng), body);
            samples.Add(new Sample($"random #{i} (seed {PropertySeed})", key, tx));
        }

        var signed = await SignWithEthersAsync(samples);
        int valid = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            var (s, e) = (samples[i], signed[i]);
            AssertSameDigest(s, e);

            // array lengths run 0..20, past some kinds' limits: where the codec accepts the body, the full checks;
            // where it rejects it, reading the typed data back must reject it too
            var raw = new SignedTransaction(s.Tx, e.Signature).Encode();
            var decodeError = TransactionCodec.TryDecode(raw, out _, int.MaxValue);
            if (!decodeError.IsError)
            {
                AssertEthersAgrees(s, e);
                valid++;
            }
            else
            {
                Assert.True(decodeError.Code is ErrorCode.InvalidField or ErrorCode.AttributionEmpty, $"{s.Label}: unexpected {decodeError}");
                Assert.False(TypedDataDocument.TryParse(TypedDataDocument.ToJson(s.Tx), out _, out _),
                    $"{s.Label}: the codec rejects the body ({decodeError}) but the typed-data reader accepts it");
            }
        }
        Assert.True(valid >= PropertyCount / 2, $"only {valid} of {PropertyCount} random transactions were within the limits");
    }

    // ---- the checks ----

    private static void AssertSameDigest(Sample s, EthersResult e)
    {
        var ours = s.Tx.SigningHash();
        Assert.True(ours == e.Hash,
            $"{s.Label}: ethers' TypedDataEncoder.hash {e.Hash} != our SigningHash {ours}\n" +
            $"type {s.Tx.TypeString}\ndocument {TypedDataDocument.ToJson(s.Tx)}");
    }

    private void AssertEthersAgrees(Sample s, EthersResult e)
    {
        var (label, key, tx) = s;
        var chainId = fx.Chain.Rules.ChainId;

        // (a) the digest
        AssertSameDigest(s, e);
        Assert.Equal(key.Address.ToString(), e.Address);
        Assert.Equal(key.Address.ToString(), e.From);

        // (b) the ethers signature, in our envelope, passes admission and recovers the ethers wallet
        Assert.True(e.Signature.V is 27 or 28, $"{label}: ethers v = {e.Signature.V}");
        // both sides sign deterministically (RFC 6979, low s): the same bytes
        Assert.Equal(Hex.Encode(tx.Sign(key).Signature.ToArray()), Hex.Encode(e.Signature.ToArray()));
        var envelope = new SignedTransaction(tx, e.Signature);
        Assert.Equal(e.Hash, envelope.Hash);
        var raw = envelope.Encode();
        var error = TransactionVerifier.Verify(raw, chainId, fx.Chain.Rules.MaxTransactionBytes, out var verified);
        Assert.True(!error.IsError, $"{label}: the ethers-signed transaction is not admitted: {error}");
        Assert.Equal(key.Address, verified!.Sender);
        Assert.Equal(e.Hash, verified.Hash);
        Assert.Equal(tx.Kind, verified.Tx.Kind);
        Assert.Equal(Hex.Encode(raw), Hex.Encode(verified.Signed.Encode()));

        // (c) the typed data the wallet signed reads back into the same transaction
        var json = TypedDataDocument.ToJson(tx);
        Assert.True(TypedDataDocument.TryParse(json, out var parsed, out var parseError), $"{label}: {parseError}");
        Assert.Equal(e.Hash, parsed!.SigningHash());
        Assert.Equal(Hex.Encode(raw), Hex.Encode(new SignedTransaction(parsed, e.Signature).Encode()));
        Assert.Equal(json, TypedDataDocument.ToJson(parsed));
    }

    private static async Task<IReadOnlyList<EthersResult>> SignWithEthersAsync(IReadOnlyList<Sample> samples)
    {
        // typedData exactly as TypedDataDocument.ToJson wrote it; one node process for the whole batch
        var input = new JsonArray(samples
            .Select(s => (JsonNode)new JsonObject { ["privateKey"] = s.Key.ToHex(), ["typedData"] = JsonNode.Parse(TypedDataDocument.ToJson(s.Tx)) })
            .ToArray());
        var output = (await NodeJs.RunAsync(SignScript, input, TimeSpan.FromSeconds(120))).AsArray();
        Assert.Equal(samples.Count, output.Count);
        return output.Select(o =>
        {
            var bytes = Hex.Decode((string)o!["signature"]!);
            Assert.Equal(Signature.Length, bytes.Length);
            return new EthersResult(Hash32.Parse((string)o["hash"]!), Signature.Read(bytes), (string)o["address"]!, (string?)o["from"]);
        }).ToList();
    }

    // ---- the samples: every kind, realistic values and edge cases ----

    private List<Sample> BuildSamples()
    {
        var chainId = fx.Chain.Rules.ChainId;
        var gasPrices = new[] { fx.Chain.GasPrice, Odd, MaxWei };
        var nonces = new[] { 0UL, 1UL, 9_007_199_254_740_993UL /* 2^53 + 1 */, ulong.MaxValue };
        var samples = new List<Sample>();
        int n = 0;
        foreach (var kind in Enum.GetValues<TxKind>())
            foreach (var (label, body) in SampleBodies(kind))
            {
                var key = fx.Chain.Keys[30 + n % 10];
                samples.Add(new Sample($"{kind} {label}", key,
                    new Transaction(chainId, key.Address, nonces[n % nonces.Length], gasPrices[n % gasPrices.Length], body)));
                n++;
            }
        return samples;
    }

    /// <summary>Realistic bodies of a kind. A new kind must add its own here (the test fails for a kind without any).</summary>
    private static IEnumerable<(string Label, ITxBody Body)> SampleBodies(TxKind kind)
    {
        var curators = Enumerable.Range(1, 3).Select(i => A((byte)(0x10 + i))).ToArray();
        var allCurators = Enumerable.Range(1, FieldLimits.Curators).Select(i => A((byte)i)).ToArray();
        var versions = Enumerable.Range(1, 3).Select(i => H((byte)(0x20 + i))).ToArray();
        var allVersions = Enumerable.Range(1, FieldLimits.DatanetVersions).Select(i => H((byte)(0x40 + i))).ToArray();
        // limits are in UTF-8 bytes: 4-byte emoji and 2-byte letters fill them exactly
        var fullName = Fill("🚀é", FieldLimits.Name);
        var fullTag = Fill("🚀", FieldLimits.Tag);
        var fullDescription = Fill("Données 🚀 \"quoted\" \\ 日本語\n", FieldLimits.Description);
        switch (kind)
        {
            case TxKind.Transfer:
                yield return ("big", new Transfer(A(0x01), Big));
                yield return ("max amount", new Transfer(A(0xff), MaxWei));
                yield return ("zero", new Transfer(Address.Zero, Wei.Zero));
                break;
            case TxKind.CreateDatanet:
                yield return ("unicode, arrays of several", new CreateDatanet("Données 🚀",
                    "Jeux de données médicales annotées — 医療データ — مجموعة بيانات\nwith \"quotes\", \\backslashes\\ and\ttabs 👩‍⚕️",
                    ["données", "🚀", "日本語", "naïve café", "a"], "CC-BY-SA-4.0", TaskKind.TextLabel, Big, Odd, ForfeitRule.Treasury, curators));
                yield return ("empty arrays and strings", new CreateDatanet("x", "", [], "", TaskKind.Text, Wei.Zero, Wei.Zero, ForfeitRule.Owner, []));
                yield return ("one element each", new CreateDatanet("Ω", "d", ["ok"], "MIT", TaskKind.PromptCompletion, new Wei(1u), MaxWei, ForfeitRule.Owner, [A(0xaa)]));
                yield return ("every limit full", new CreateDatanet(fullName, fullDescription,
                    Enumerable.Repeat(fullTag, FieldLimits.Tags).ToArray(), new string('L', FieldLimits.License), TaskKind.PromptCompletion,
                    MaxWei, MaxWei, ForfeitRule.Treasury, allCurators));
                break;
            case TxKind.UpdateDatanet:
                yield return ("unicode, arrays of several", new UpdateDatanet(H(0x31), "Nouvelle description — Données 🚀",
                    ["mise à jour", "🚀🚀", "中文"], curators));
                yield return ("cleared", new UpdateDatanet(H(0x32), "", [], []));
                yield return ("full", new UpdateDatanet(H(0x33), fullDescription, Enumerable.Repeat(fullTag, FieldLimits.Tags).ToArray(), allCurators));
                break;
            case TxKind.Contribute:
                yield return ("small", new Contribute(H(0x34), H(0x35), H(0x36), 1));
                yield return ("max size", new Contribute(H(0x37), H(0x38), H(0x38), ulong.MaxValue));
                break;
            case TxKind.Curate:
                yield return ("approve", new Curate(H(0x39), true, "Très bien 👍 — conforme"));
                yield return ("reject, no reason", new Curate(H(0x3a), false, ""));
                yield return ("reject, full reason", new Curate(H(0x3b), false, Fill("Doublon 🚫 ", FieldLimits.Reason)));
                break;
            case TxKind.PublishVersion:
                yield return ("datanet", new PublishVersion(H(0x3c)));
                yield return ("zero id", new PublishVersion(Hash32.Zero));
                break;
            case TxKind.RegisterModel:
                yield return ("unicode, several versions", new RegisterModel("Modèle médical 🚀", "meta-llama/Llama-3.1-8B ✨", H(0x3d), versions, H(0x3e),
                    Big, 7_000, 2_500, 500));
                yield return ("one version, free", new RegisterModel("m", "gpt2", H(0x3f), [H(0x40)], Hash32.Zero, Wei.Zero, 10_000, 0, 0));
                yield return ("full", new RegisterModel(fullName, Fill("模型", FieldLimits.BaseModel), H(0x41), allVersions, H(0x42),
                    MaxWei, ushort.MaxValue, ushort.MaxValue, ushort.MaxValue));
                break;
            case TxKind.UpdateModel:
                yield return ("new version", new UpdateModel(H(0x43), Odd, ModelStatus.Active, H(0x44), H(0x45), versions));
                yield return ("retire, no new version", new UpdateModel(H(0x46), Wei.Zero, ModelStatus.Retired, Hash32.Zero, Hash32.Zero, []));
                yield return ("max price", new UpdateModel(H(0x47), MaxWei, ModelStatus.Active, H(0x48), H(0x49), allVersions));
                break;
            case TxKind.RequestInference:
                yield return ("max fee", new RequestInference(H(0x4a), H(0x4b), MaxWei));
                yield return ("zero fee", new RequestInference(H(0x4c), Hash32.Zero, Wei.Zero));
                break;
            case TxKind.PostResult:
                yield return ("result", new PostResult(H(0x4d), H(0x4e)));
                break;
            case TxKind.SettleAttribution:
                yield return ("one, max weight", new SettleAttribution(H(0x4f), H(0x50), [H(0x60)], [ulong.MaxValue]));
                yield return ("several, extreme weights", new SettleAttribution(H(0x52), H(0x53),
                    Enumerable.Range(0, 6).Select(i => H((byte)(0x70 + i))).ToArray(),
                    [0, 1, ulong.MaxValue, 9_007_199_254_740_993UL, 4_294_967_296UL, ulong.MaxValue - 1]));
                yield return ("many", new SettleAttribution(H(0x54), Hash32.Zero,
                    Enumerable.Range(0, 200).Select(i => Hd(i)).ToArray(), Enumerable.Range(0, 200).Select(i => (ulong)i * 0x0101010101010101UL).ToArray()));
                break;
        }
    }

    // ---- random bodies ----

    private static CreateDatanet RandomCreateDatanet(Random rng) => new(
        RandomText(rng, FieldLimits.Name, required: true),
        RandomText(rng, FieldLimits.Description),
        Enumerable.Range(0, rng.Next(21)).Select(_ => RandomText(rng, FieldLimits.Tag, required: true)).ToArray(),
        RandomText(rng, FieldLimits.License),
        (TaskKind)rng.Next(1, 4),
        RandomWei(rng),
        RandomWei(rng),
        (ForfeitRule)rng.Next(1, 3),
        Enumerable.Range(0, rng.Next(21)).Select(_ => RandomAddress(rng)).ToArray());

    private static SettleAttribution RandomSettleAttribution(Random rng)
    {
        var n = rng.Next(21);
        return new SettleAttribution(RandomHash(rng), RandomHash(rng),
            Enumerable.Range(0, n).Select(_ => RandomHash(rng)).ToArray(),
            Enumerable.Range(0, n).Select(_ => RandomULong(rng)).ToArray());
    }

    private static RegisterModel RandomRegisterModel(Random rng) => new(
        RandomText(rng, FieldLimits.Name, required: true),
        RandomText(rng, FieldLimits.BaseModel, required: true),
        RandomHash(rng),
        Enumerable.Range(0, rng.Next(21)).Select(_ => RandomHash(rng)).ToArray(),
        RandomHash(rng),
        RandomWei(rng),
        (ushort)rng.Next(ushort.MaxValue + 1),
        (ushort)rng.Next(ushort.MaxValue + 1),
        (ushort)rng.Next(ushort.MaxValue + 1));

    /// <summary>Random well-formed text of at most <paramref name="maxBytes"/> UTF-8 bytes (a quarter exactly at the
    /// limit), from every plane: ASCII with quotes and backslashes, C0 controls, combining marks, RTL, CJK, private use,
    /// BOM and specials, emoji and other supplementary-plane characters (surrogate pairs in UTF-16).</summary>
    private static string RandomText(Random rng, int maxBytes, bool required = false)
    {
        while (true)
        {
            var target = rng.Next(4) == 0 ? maxBytes : rng.Next(required ? 1 : 0, maxBytes + 1);
            var sb = new StringBuilder();
            int bytes = 0;
            while (bytes < target)
            {
                var s = char.ConvertFromUtf32(RandomCodePoint(rng));
                var n = Encoding.UTF8.GetByteCount(s);
                if (bytes + n > target) s = ((char)rng.Next(0x20, 0x7f)).ToString(); // top up with ASCII to reach the target exactly
                sb.Append(s);
                bytes += Encoding.UTF8.GetByteCount(s);
            }
            var text = sb.ToString();
            if (!required || !string.IsNullOrWhiteSpace(text)) return text;
        }
    }

    private static int RandomCodePoint(Random rng) => rng.Next(12) switch
    {
        0 => rng.Next(0x20, 0x7f),                                   // ASCII, including " and \
        1 => "\"\\/'<>&+`"[rng.Next(9)],                             // what JSON encoders escape
        2 => rng.Next(0x00, 0x20),                                   // C0 controls, NUL included
        3 => rng.Next(0x80, 0x250),                                  // Latin-1, Latin Extended
        4 => rng.Next(0x300, 0x370),                                 // combining marks
        5 => rng.Next(0x370, 0x530),                                 // Greek, Cyrillic, Armenian
        6 => rng.Next(0x590, 0x700),                                 // Hebrew, Arabic (RTL)
        7 => rng.Next(0x4e00, 0xa000),                               // CJK
        8 => new[] { 0x200b, 0x200d, 0x200e, 0x2028, 0x2029, 0xfeff, 0xfffd, 0xfffe, 0xffff }[rng.Next(9)], // zero-width, separators, specials
        9 => rng.Next(0xe000, 0x10000),                              // private use and the top of the BMP
        10 => rng.Next(0x1f300, 0x1fb00),                            // emoji
        _ => rng.Next(0x10000, 0x110000),                            // anything above the BMP
    };

    private static ulong RandomULong(Random rng) => rng.Next(5) switch
    {
        0 => 0,
        1 => ulong.MaxValue,
        2 => (ulong)rng.Next(1_000_000),
        3 => ulong.MaxValue - (ulong)rng.Next(1_000_000),
        _ => (ulong)rng.NextInt64(long.MinValue, long.MaxValue) >> rng.Next(0, 64),
    };

    private static Wei RandomWei(Random rng)
    {
        switch (rng.Next(6))
        {
            case 0: return Wei.Zero;
            case 1: return MaxWei;
            case 2: return new Wei((uint)rng.Next());
        }
        Span<byte> b = stackalloc byte[16];
        rng.NextBytes(b);
        var v = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(b) >> rng.Next(0, 128);
        return new Wei(v);
    }

    private static Hash32 RandomHash(Random rng)
    {
        var b = new byte[32];
        rng.NextBytes(b);
        return new Hash32(b);
    }

    private static Address RandomAddress(Random rng)
    {
        var b = new byte[Address.Length];
        rng.NextBytes(b);
        return new Address(b);
    }

    private static Hash32 H(byte b) => new(Enumerable.Range(0, 32).Select(i => (byte)(b ^ i)).ToArray());

    private static Hash32 Hd(int i) => Keccak256.Hash(BitConverter.GetBytes(i));

    /// <summary>Repeats <paramref name="unit"/> (whole code points only) up to exactly <paramref name="bytes"/> UTF-8 bytes,
    /// topped up with ASCII.</summary>
    private static string Fill(string unit, int bytes)
    {
        var sb = new StringBuilder();
        int n = 0;
        for (var e = unit.EnumerateRunes(); ; )
        {
            if (!e.MoveNext()) { e = unit.EnumerateRunes(); e.MoveNext(); }
            var r = e.Current;
            if (n + r.Utf8SequenceLength > bytes) break;
            sb.Append(r.ToString());
            n += r.Utf8SequenceLength;
        }
        sb.Append('.', bytes - n);
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(sb.ToString()));
        return sb.ToString();
    }

    private static Address A(byte b) => new(Enumerable.Range(0, Address.Length).Select(i => (byte)(b + 7 * i)).ToArray());
}
