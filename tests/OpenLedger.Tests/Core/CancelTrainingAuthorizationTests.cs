using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.ModelFactory;

namespace OpenLedger.Tests.Core;

/// <summary>A job owner's signed cancellation in the pure core: bound to one job, one chain and a deadline at most an
/// hour ahead, with the codes a signed training request uses.</summary>
public sealed class CancelTrainingAuthorizationTests
{
    private static readonly PrivateKey Key = PrivateKey.Derive("cancel-authorization", "owner");
    private const ulong Chain = 1337;
    private const ulong Now = 1_800_000_000;

    private static CancelTrainingAuthorization Request(ulong deadline = Now + 600) => new(Key.Address, Keccak256.Hash("job"), deadline);

    [Fact]
    public void The_owners_signature_verifies_for_its_job_on_its_chain_before_its_deadline_only()
    {
        var request = Request();
        var signature = request.Sign(Key, Chain);
        Assert.Null(request.Verify(Chain, signature, Now));
        Assert.Equal(MlErrorCode.TrainingSignatureInvalid, request.Verify(Chain + 1, signature, Now)!.Value.Code);
        Assert.Equal(MlErrorCode.TrainingSignatureInvalid, (request with { Job = Keccak256.Hash("another job") }).Verify(Chain, signature, Now)!.Value.Code);
        Assert.Equal(MlErrorCode.TrainingSignatureInvalid, (request with { Owner = PrivateKey.Derive("x", "y").Address }).Verify(Chain, signature, Now)!.Value.Code);
        Assert.Equal(MlErrorCode.SignatureExpired, request.Verify(Chain, signature, Now + 600)!.Value.Code);
        var far = Request(Now + 3601);
        Assert.Equal(MlErrorCode.DeadlineTooFar, far.Verify(Chain, far.Sign(Key, Chain), Now)!.Value.Code);
    }

    [Fact]
    public void It_is_never_the_digest_of_a_training_request_so_one_cannot_stand_for_the_other()
    {
        var cancel = Request();
        var start = new TrainingAuthorization(Key.Address, cancel.Job, 0, "", cancel.Deadline);
        Assert.NotEqual(start.Digest(Chain), cancel.Digest(Chain));
    }

    [Fact]
    public void The_typed_data_names_the_type_the_digest_hashes()
    {
        var doc = Request().TypedData(Chain);
        var fields = doc["types"]![CancelTrainingAuthorization.PrimaryType]!.AsArray().Select(f => $"{(string)f!["type"]!} {(string)f["name"]!}");
        Assert.Equal(CancelTrainingAuthorization.TypeString, $"{CancelTrainingAuthorization.PrimaryType}({string.Join(',', fields)})");
        Assert.Equal(CancelTrainingAuthorization.PrimaryType, (string)doc["primaryType"]!);
        Assert.Equal(Request().Job.ToString(), (string)doc["message"]!["job"]!);
        Assert.Equal((Now + 600).ToString(System.Globalization.CultureInfo.InvariantCulture), (string)doc["message"]!["deadline"]!);
    }
}
