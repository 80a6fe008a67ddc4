using OpenLedger.Core.Errors;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>The ML role's error codes are what clients match on (GraphQL extensions.code, a job's errorCode): their
/// text is pinned, and a code means one thing across the ledger's and the ML role's enums.</summary>
public sealed class MlErrorCodeTests
{
    [Fact]
    public void Ml_error_codes_keep_their_text_and_order()
    {
        Assert.Equal(
        [
            "InvalidField", "DatanetNotFound", "VersionNotFound", "NoExamples", "TrainingQuotaExceeded", "JobNotFound",
            "Cancelled", "InvalidTrainingInput", "TrainingFailed",
            "AdapterNotFound", "InvalidAdapter", "AdapterCacheFull", "AdapterNotLoaded", "NotPinned", "AdapterPinned", "AdapterBusy",
            "TrainingSignatureInvalid", "SignatureExpired", "DeadlineTooFar", "SignatureReplayed", "AccountNotFunded",
            "OwnerTrainingQuotaExceeded", "TrainingBudgetExceeded", "SiloNotFound",
        ], Enum.GetNames<MlErrorCode>());
        Assert.Equal(Enumerable.Range(1, Enum.GetValues<MlErrorCode>().Length), Enum.GetValues<MlErrorCode>().Select(c => (int)c));
    }

    [Fact]
    public void The_only_code_both_enums_name_is_InvalidField()
    {
        Assert.Equal(["InvalidField"], Enum.GetNames<MlErrorCode>().Intersect(Enum.GetNames<ErrorCode>()));
    }
}
