namespace OpenLedger.Grains.Market;

/// <summary>One committed marketplace event (contribution added or approved, version published, inference settled,
/// reward credited...) as it travels on the "market" Orleans streams to GraphQL subscriptions and grains.</summary>
/// <remarks>
/// Plain strings and longs only, so it serializes trivially and reads as-is in GraphQL. Ids and addresses are
/// lower-case 0x hex; amounts are wei as decimal strings. Streams may drop or repeat a message: (Height, Sequence)
/// identifies an event, so a subscriber drops repeats by remembering the last pair it saw. Nothing that moves money
/// is driven from this message; the ledger is the source of truth.
/// </remarks>
/// <param name="Height">Height of the block that committed the event.</param>
/// <param name="TxIndex">Index of the causing transaction in its block; -1 for block-level events such as expiries.</param>
/// <param name="Sequence">Position of the event within its block; (Height, Sequence) identifies the event.</param>
/// <param name="Kind">What happened, one of <see cref="MarketEventKinds"/> (e.g. "ContributionAdded", "RewardCredited").</param>
/// <param name="Subject">Id of the object the event is about (datanet, contribution, model or inference id).</param>
/// <param name="Party">The address the event concerns (contributor, payee, requester), or null.</param>
/// <param name="Amount">Wei as a decimal string, or null.</param>
/// <param name="Datanet">Datanet id, or null.</param>
/// <param name="Model">Model id, or null.</param>
/// <param name="Contribution">Contribution id, or null.</param>
/// <param name="Inference">Inference id, or null.</param>
/// <param name="Detail">Free text: a reason, a version number...</param>
/// <param name="TxHash">Hash of the causing transaction, or empty for block-level events.</param>
/// <param name="TimestampMs">The block's timestamp, Unix milliseconds.</param>
/// <param name="PreviousHeight">On a stream message only: the (height, sequence) of the event the relay routed to the same
/// stream just before this one, so a subscriber whose last event is not that one knows it missed some and reads them from
/// the store (<see cref="MarketStreamGaps"/>). <see cref="UnknownPrevious"/> (-1) when the relay does not know (it was
/// reactivated, a block's call was lost, or the message was not made by the relay): the subscriber then checks the store.</param>
/// <param name="PreviousSequence">See <paramref name="PreviousHeight"/>.</param>
[GenerateSerializer, Immutable, Alias("openledger.MarketEventMessage")]
public sealed record MarketEventMessage(
    [property: Id(0)] long Height,
    [property: Id(1)] int TxIndex,
    [property: Id(2)] int Sequence,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Subject,
    [property: Id(5)] string? Party,
    [property: Id(6)] string? Amount,
    [property: Id(7)] string? Datanet,
    [property: Id(8)] string? Model,
    [property: Id(9)] string? Contribution,
    [property: Id(10)] string? Inference,
    [property: Id(11)] string? Detail,
    [property: Id(12)] string TxHash,
    [property: Id(13)] long TimestampMs,
    [property: Id(14)] long PreviousHeight = MarketEventMessage.UnknownPrevious,
    [property: Id(15)] int PreviousSequence = 0)
{
    /// <summary>The <see cref="PreviousHeight"/> of a message whose predecessor on its stream is not known.</summary>
    public const long UnknownPrevious = -1;

    /// <summary>The event's identity on every stream and in the store.</summary>
    public (long Height, int Sequence) Key => (Height, Sequence);

    /// <summary>The same event without its stream link: what listeners see, equal to the store's copy.</summary>
    public MarketEventMessage WithoutLink() => PreviousHeight == UnknownPrevious && PreviousSequence == 0
        ? this : this with { PreviousHeight = UnknownPrevious, PreviousSequence = 0 };
}

/// <summary>Event kinds carried in <see cref="MarketEventMessage.Kind"/>.</summary>
public static class MarketEventKinds
{
    public const string ContributionAdded = "ContributionAdded";
    public const string ContributionApproved = "ContributionApproved";
    public const string VersionPublished = "VersionPublished";
    public const string InferenceSettled = "InferenceSettled";
    public const string RewardCredited = "RewardCredited";
}
