using System.Globalization;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Eip712;
using OpenLedger.Core.Errors;

namespace OpenLedger.Core.ModelFactory;

/// <summary>
/// A job owner's signed request to stop its Model Factory job: EIP-712 typed data
/// <c>CancelTrainingJob(address owner,bytes32 job,uint64 deadline)</c> under the chain's domain, so a wallet can sign
/// it as it signs <see cref="TrainingAuthorization"/>. The job id binds it to one job and the chain id to one chain; the
/// deadline (unix seconds, at most <see cref="TrainingAuthorization.MaxValidity"/> ahead) bounds when it can be
/// presented, and the node refuses a second presentation. Only the job's owner may present one (the node compares the
/// signer with the owner the job records).
/// </summary>
public sealed record CancelTrainingAuthorization(Address Owner, Hash32 Job, ulong Deadline)
{
    public const string PrimaryType = "CancelTrainingJob";
    public const string TypeString = "CancelTrainingJob(address owner,bytes32 job,uint64 deadline)";

    private static readonly Hash32 TypeHash = Keccak256.Hash(TypeString);

    public Hash32 StructHash()
    {
        var s = new StructHasher(TypeHash);
        s.Address(Owner);
        s.Bytes32(Job);
        s.UInt(Deadline);
        return s.Finish();
    }

    /// <summary>The digest a wallet signs on chain <paramref name="chainId"/>.</summary>
    public Hash32 Digest(ulong chainId) => Eip712Domain.ForChain(chainId).Digest(StructHash());

    public Signature Sign(PrivateKey key, ulong chainId) => key.Sign(Digest(chainId));

    /// <summary>Null when <paramref name="signature"/> is <see cref="Owner"/>'s over this request on chain
    /// <paramref name="chainId"/> and the deadline is neither past nor too far ahead; the refusal otherwise, with the
    /// codes a signed training request uses (<see cref="MlErrorCode.SignatureExpired"/>,
    /// <see cref="MlErrorCode.DeadlineTooFar"/>, <see cref="MlErrorCode.TrainingSignatureInvalid"/>).</summary>
    public (MlErrorCode Code, string Message)? Verify(ulong chainId, Signature signature, ulong nowSeconds)
    {
        if (Deadline <= nowSeconds)
            return (MlErrorCode.SignatureExpired, $"the request's deadline {Deadline} has passed (now {nowSeconds}); sign it again");
        if (Deadline > nowSeconds + (ulong)TrainingAuthorization.MaxValidity.TotalSeconds)
            return (MlErrorCode.DeadlineTooFar, $"the request's deadline {Deadline} is more than {TrainingAuthorization.MaxValidity.TotalSeconds:F0} s ahead of now ({nowSeconds})");
        if (Secp256k1.TryRecover(Digest(chainId), signature, out var signer) is not RecoveryFailure.None)
            return (MlErrorCode.TrainingSignatureInvalid, "the signature does not recover to a public key (low-s, v 27 or 28)");
        if (signer != Owner)
            return (MlErrorCode.TrainingSignatureInvalid, $"the signature recovers to {signer}, not {Owner}: it was made for another job, on another chain, or by another key");
        return null;
    }

    /// <summary>The payload a wallet signs, <c>{ domain, types, primaryType, message }</c> (integers as decimal strings).</summary>
    public JsonObject TypedData(ulong chainId)
    {
        var domain = Eip712Domain.ForChain(chainId);
        static JsonObject Field(string name, string type) => new() { ["name"] = name, ["type"] = type };
        return new JsonObject
        {
            ["domain"] = new JsonObject
            {
                ["name"] = domain.Name,
                ["version"] = domain.Version,
                ["chainId"] = chainId.ToString(CultureInfo.InvariantCulture),
            },
            ["types"] = new JsonObject
            {
                ["EIP712Domain"] = new JsonArray(Field("name", "string"), Field("version", "string"), Field("chainId", "uint256")),
                [PrimaryType] = new JsonArray(Field("owner", "address"), Field("job", "bytes32"), Field("deadline", "uint64")),
            },
            ["primaryType"] = PrimaryType,
            ["message"] = new JsonObject
            {
                ["owner"] = Owner.ToString(),
                ["job"] = Job.ToString(),
                ["deadline"] = Deadline.ToString(CultureInfo.InvariantCulture),
            },
        };
    }
}
