using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Attribution;

/// <summary>One inference attributed: what its SettleAttribution carries (the record's hash, the contributions in rank
/// order and their integer weights). The record itself is in the content store under <see cref="Record"/>. Travels on
/// the "attribution" stream; a lost message is made good by the worker, which attributes the inference again (to the
/// same bytes) when it is still unsettled after a while.</summary>
[GenerateSerializer, Immutable, Alias("openledger.AttributionResult")]
public sealed record AttributionResult(
    [property: Id(0)] Hash32 Inference,
    [property: Id(1)] Hash32 Record,
    [property: Id(2)] Hash32[] Contributions,
    [property: Id(3)] ulong[] Weights);

/// <summary>Why an inference was not attributed: a stable code (the attributor's, such as IndexMissing, IndexCorrupt,
/// NoTrainingRecord, OutputNotRescorable, NoPositiveInfluence; or the worker's own: InputMissing, OutputMissing,
/// ModelMissing, NotSettled), a message, when it happened and how many times it was tried. Such an inference is left to
/// the chain's deadline rule.</summary>
[GenerateSerializer, Immutable, Alias("openledger.AttributionFailureView")]
public sealed record AttributionFailureView(
    [property: Id(0)] Hash32 Inference,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message,
    [property: Id(3)] DateTime At,
    [property: Id(4)] int Attempts);

/// <summary>The attribution worker's counters.</summary>
/// <param name="Operator">The attribution operator's address, or null when this silo has no attribution key (it attributes nothing).</param>
/// <param name="Attributed">Inferences attributed (a record stored and a result published), counting attributions made again.</param>
/// <param name="Failed">Attribution attempts that ended in a failure.</param>
/// <param name="AwaitingSettlement">Published results not yet seen settled on chain.</param>
/// <param name="Failures">Failures kept for queries (bounded).</param>
/// <param name="LastError">The last failure, as text.</param>
/// <param name="MeanAttributionMs">Mean time of one attribution (content reads excluded).</param>
[GenerateSerializer, Immutable, Alias("openledger.AttributionWorkerStatus")]
public sealed record AttributionWorkerStatus(
    [property: Id(0)] string? Operator,
    [property: Id(1)] long Attributed,
    [property: Id(2)] long Failed,
    [property: Id(3)] int AwaitingSettlement,
    [property: Id(4)] int Failures,
    [property: Id(5)] string? LastError,
    [property: Id(6)] double MeanAttributionMs);

/// <summary>The settlement grain's counters.</summary>
/// <param name="Submitted">SettleAttribution transactions the mempool accepted.</param>
/// <param name="Batches">Submissions (each one batch of transactions).</param>
/// <param name="Skipped">Results dropped without a transaction: the inference was already settled or expired on chain,
/// or its settlement was submitted a moment ago (a repeated stream message).</param>
/// <param name="Refused">Transactions the mempool refused (the worker attributes such inferences again later).</param>
/// <param name="LastError">The last refusal, as text.</param>
[GenerateSerializer, Immutable, Alias("openledger.AttributionSettlementStatus")]
public sealed record AttributionSettlementStatus(
    [property: Id(0)] string Operator,
    [property: Id(1)] long Submitted,
    [property: Id(2)] long Batches,
    [property: Id(3)] long Skipped,
    [property: Id(4)] long Refused,
    [property: Id(5)] string? LastError);
