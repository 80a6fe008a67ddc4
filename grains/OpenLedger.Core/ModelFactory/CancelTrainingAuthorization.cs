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
    /// codes a signed training request uses (<see cref="OwnerSignedRequest.Verify"/>).</summary>
    public (MlErrorCode Code, string Message)? Verify(ulong chainId, Signature signature, ulong nowSeconds) =>
        OwnerSignedRequest.Verify(Digest(chainId), Owner, Deadline, signature, nowSeconds, "for another job");

    /// <summary>The payload a wallet signs, <c>{ domain, types, primaryType, message }</c> (integers as decimal strings).</summary>
    public JsonObject TypedData(ulong chainId) =>
        OwnerSignedRequest.TypedData(chainId, PrimaryType, [("owner", "address"), ("job", "bytes32"), ("deadline", "uint64")], new JsonObject
        {
            ["owner"] = Owner.ToString(),
            ["job"] = Job.ToString(),
            ["deadline"] = Deadline.ToString(CultureInfo.InvariantCulture),
        });
}
