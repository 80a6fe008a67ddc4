namespace OpenLedger.Core.Errors;

/// <summary>Stable error codes of the ML role (Model Factory jobs, OpenLoRA administration), the sibling of the ledger's
/// <see cref="ErrorCode"/>: the text of each name is the code clients see (GraphQL extensions.code, a job's errorCode,
/// CLI output). Never rename or reuse one; add new ones at the end. No name is also a ledger code except
/// <see cref="InvalidField"/>, which means the same in both: a field out of its allowed range.</summary>
public enum MlErrorCode
{
    // a training request
    InvalidField = 1,
    DatanetNotFound,
    VersionNotFound,
    NoExamples,
    TrainingQuotaExceeded,
    JobNotFound,
    // how a job that did not succeed ended
    Cancelled,
    InvalidTrainingInput,
    TrainingFailed,
    // OpenLoRA administration
    AdapterNotFound,
    InvalidAdapter,
    AdapterCacheFull,
    AdapterNotLoaded,
    NotPinned,
    AdapterPinned,
    AdapterBusy,
    // a job an account starts with a signed request (TrainingAuthorization, TrainingCostRule)
    TrainingSignatureInvalid,
    SignatureExpired,
    DeadlineTooFar,
    SignatureReplayed,
    AccountNotFunded,
    OwnerTrainingQuotaExceeded,
    TrainingBudgetExceeded,
    // per-silo OpenLoRA administration: the address names no live ML silo
    SiloNotFound,
}
