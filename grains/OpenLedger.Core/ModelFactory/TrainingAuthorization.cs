using System.Globalization;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Eip712;
using OpenLedger.Core.Errors;

namespace OpenLedger.Core.ModelFactory;

/// <summary>
/// An account's signed request to start a Model Factory job it will own: EIP-712 typed data
/// <c>StartTrainingJob(address owner,bytes32 datanet,uint32 versionNumber,string hyperparameters,uint64 deadline)</c>
/// under the chain's domain (the one transactions use, so a wallet signs it with <c>signTypedData</c>). The chain id in
/// the domain binds it to one chain; the datanet, version and <see cref="Hyperparameters"/> text bind it to one
/// training, so it cannot start another job; the deadline (unix seconds, at most <see cref="MaxValidity"/> ahead)
/// bounds when it can be presented, and the node refuses a second presentation of the same signature.
/// </summary>
public sealed record TrainingAuthorization(Address Owner, Hash32 Datanet, uint VersionNumber, string Hyperparameters, ulong Deadline)
{
    public const string PrimaryType = "StartTrainingJob";
    public const string TypeString = "StartTrainingJob(address owner,bytes32 datanet,uint32 versionNumber,string hyperparameters,uint64 deadline)";

    /// <summary>How far ahead a deadline may be: the window in which a signed request is accepted (and remembered, to
    /// refuse its replay) stays short.</summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromHours(1);

    private static readonly Hash32 TypeHash = Keccak256.Hash(TypeString);

    /// <summary>The text that names the hyperparameters in the signed message, one canonical form for signer and node:
    /// <c>rank=8 alpha=16 targets=default lr=0.003 epochs=1 steps=auto batch=16 seed=1</c> (numbers in shortest
    /// round-trip form, targets comma-separated as given, <c>default</c> when none are given). The recipe options
    /// (<c>schedule=</c>, <c>label-smoothing=</c>, <c>early-stopping=</c>, <c>label-scoring=</c>) follow, each only when
    /// set: a request without them reads exactly as before, so what wallets and clients signed before them still verifies.</summary>
    public static string HyperparametersText(int rank, double alpha, IReadOnlyList<string>? targets, double learningRate, double epochs, int? steps,
        int batchSize, long seed, string? schedule = null, double? labelSmoothing = null, int? earlyStopping = null, string? labelScoring = null)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"rank={rank} alpha={alpha:R} targets={(targets is { Count: > 0 } t ? string.Join(',', t) : "default")} lr={learningRate:R} " +
            $"epochs={epochs:R} steps={(steps is { } s ? s.ToString(CultureInfo.InvariantCulture) : "auto")} batch={batchSize} seed={seed}");
        if (schedule is not null) text += $" schedule={schedule}";
        if (labelSmoothing is { } e) text += string.Create(CultureInfo.InvariantCulture, $" label-smoothing={e:R}");
        if (earlyStopping is { } patience) text += string.Create(CultureInfo.InvariantCulture, $" early-stopping={patience}");
        if (labelScoring is not null) text += $" label-scoring={labelScoring}";
        return text;
    }

    public Hash32 StructHash()
    {
        var s = new StructHasher(TypeHash);
        s.Address(Owner);
        s.Bytes32(Datanet);
        s.UInt(VersionNumber);
        s.String(Hyperparameters);
        s.UInt(Deadline);
        return s.Finish();
    }

    /// <summary>The digest a wallet signs on chain <paramref name="chainId"/>.</summary>
    public Hash32 Digest(ulong chainId) => Eip712Domain.ForChain(chainId).Digest(StructHash());

    public Signature Sign(PrivateKey key, ulong chainId) => key.Sign(Digest(chainId));

    /// <summary>Null when <paramref name="signature"/> is the owner's over this request on chain <paramref name="chainId"/>
    /// and the deadline is neither past nor too far ahead of <paramref name="nowSeconds"/>; the refusal otherwise.
    /// A forged signature, one made on another chain or over another request all recover to another address:
    /// <see cref="MlErrorCode.TrainingSignatureInvalid"/>.</summary>
    public (MlErrorCode Code, string Message)? Verify(ulong chainId, Signature signature, ulong nowSeconds) =>
        OwnerSignedRequest.Verify(Digest(chainId), Owner, Deadline, signature, nowSeconds, "over another request");

    /// <summary>The payload a wallet signs, <c>{ domain, types, primaryType, message }</c>, in the shape of
    /// <see cref="Transactions.TypedDataDocument"/> (integers as decimal strings).</summary>
    public JsonObject TypedData(ulong chainId) =>
        OwnerSignedRequest.TypedData(chainId, PrimaryType,
            [("owner", "address"), ("datanet", "bytes32"), ("versionNumber", "uint32"), ("hyperparameters", "string"), ("deadline", "uint64")],
            new JsonObject
            {
                ["owner"] = Owner.ToString(),
                ["datanet"] = Datanet.ToString(),
                ["versionNumber"] = VersionNumber.ToString(CultureInfo.InvariantCulture),
                ["hyperparameters"] = Hyperparameters,
                ["deadline"] = Deadline.ToString(CultureInfo.InvariantCulture),
            });
}
