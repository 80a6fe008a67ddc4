namespace OpenLedger.Core.Errors;

/// <summary>Stable error codes: the text of each name is the code clients see (GraphQL extensions.code,
/// CLI output). Never rename or reuse one; add new ones at the end.</summary>
public enum ErrorCode
{
    None = 0,
    // decoding
    MalformedTransaction,
    UnsupportedEnvelopeVersion,
    UnknownKind,
    TransactionTooLarge,
    AmountOverflow,
    // identity and replay protection
    WrongChainId,
    BadSignature,
    HighSSignature,
    SignerMismatch,
    NonceTooLow,
    NonceGapTooLarge,
    DuplicateTransaction,
    // fees and balances
    GasPriceTooLow,
    InsufficientBalance,
    // mempool capacity
    MempoolFull,
    SenderQueueFull,
    BatchTooLarge,
    // field values
    InvalidField,
    // marketplace: unknown objects
    UnknownDatanet,
    UnknownContribution,
    UnknownDatanetVersion,
    UnknownModel,
    UnknownInference,
    // marketplace: who may do what
    NotDatanetOwner,
    NotCurator,
    NotModelOwner,
    NotServingOperator,
    NotAttributionOperator,
    // datanets
    DuplicateContribution,
    ContributionTooLarge,
    AlreadyCurated,
    NothingToPublish,
    ContentNotFound,
    ContentMismatch,
    // models
    FeeSplitOutOfBounds,
    ModelNotActive,
    // inference and settlement
    PriceAboveMaximum,
    ResultAlreadyPosted,
    ResultNotPosted,
    AlreadySettled,
    InferenceExpired,
    AttributionEmpty,
    TooManyAttributions,
    DuplicateAttribution,
    AttributionNotInTrainingSet,
    ZeroTotalWeight,
    // content that does not fit its datanet's task format (admission, Model Factory)
    InvalidTaskExample,
    // bounds that keep every object's cost bounded and nothing locked forever
    TooManyModelVersions,
    ContributionExpired,
    CuratorsRequired,
    // mempool policy: a replacement (same sender and nonce) must pay the minimum bump; gapped transactions are capped
    ReplacementUnderpriced,
    FutureQueueFull,
    // node policy at admission: a training record or adapter that names an owner is registered by that owner only
    NotTrainingJobOwner,
}

/// <summary>An error as a value: a stable code and a message for people.</summary>
public readonly record struct LedgerError(ErrorCode Code, string Message)
{
    public static readonly LedgerError None = new(ErrorCode.None, "");
    public bool IsError => Code != ErrorCode.None;
    public string CodeText => Code.ToString();
    public override string ToString() => $"{Code}: {Message}";
}
