using OpenLedger.Core.Crypto;

namespace OpenLedger.Grains.Market;

/// <summary>Reads of the committed marketplace (stateless workers over the store): objects by id, pages of objects,
/// pages of events. What GraphQL's lists and batch loaders call.</summary>
public interface IMarketQueryGrain : IGrainWithIntegerKey
{
    Task<MarketObjectView?> GetObjectAsync(Hash32 id);
    Task<IReadOnlyList<MarketObjectView?>> GetObjectsAsync(IReadOnlyList<Hash32> ids);
    Task<IReadOnlyList<MarketObjectView>> QueryObjectsAsync(MarketObjectQuery query);
    Task<IReadOnlyList<MarketEventMessage>> QueryEventsAsync(MarketEventQuery query);

    /// <summary>How many objects match the query's filters, or null beyond <paramref name="cap"/>.</summary>
    Task<int?> CountObjectsAsync(MarketObjectQuery query, int cap);

    /// <summary>How many events match the query's filters, or null beyond <paramref name="cap"/>.</summary>
    Task<int?> CountEventsAsync(MarketEventQuery query, int cap);
}

/// <summary>A datanet (key: its id, lower-case hex): the datanet itself, proofs that contributions are in its
/// versions, and near-duplicate flags for curators (a MinHash LSH index over its contributions' content).</summary>
public interface IDatanetGrain : IGrainWithStringKey
{
    Task<MarketObjectView?> GetAsync();

    /// <summary>The Merkle proof that a contribution is in version <paramref name="number"/> (0: the latest), or null
    /// if it is not in it.</summary>
    Task<VersionProof?> GetProofAsync(Hash32 contribution, uint number);

    /// <summary>Other contributions of this datanet whose content is similar to the given one's (estimated Jaccard
    /// similarity at least 0.8), most similar first.</summary>
    Task<IReadOnlyList<NearDuplicate>> GetNearDuplicatesAsync(Hash32 contribution);

    /// <summary>The contributions of this datanet similar to stored content not yet contributed (a check before signing).</summary>
    Task<IReadOnlyList<NearDuplicate>> GetNearDuplicatesOfContentAsync(Hash32 content);

    /// <summary>Version <paramref name="number"/> (0: the latest) with its contributions and their content hashes in
    /// approval order, checked against the version's Merkle root; null if there is no such version.</summary>
    Task<VersionContents?> GetVersionContentsAsync(uint number);
}

/// <summary>A model (key: its id, lower-case hex).</summary>
public interface IModelGrain : IGrainWithStringKey
{
    Task<MarketObjectView?> GetAsync();
}

/// <summary>A paid inference (key: its id, lower-case hex): its committed state. The GraphQL <c>inference(id)</c>
/// subscription reads it again after each block of the gateway's block feed (<c>InferenceWatch</c>).</summary>
public interface IInferenceGrain : IGrainWithStringKey
{
    Task<MarketObjectView?> GetAsync();
}

/// <summary>An account's rewards (key: lower-case address): totals kept up to date from the committed reward events.</summary>
public interface IRewardAccountGrain : IGrainWithStringKey
{
    Task<RewardSummary> GetSummaryAsync();
}

/// <summary>Publishes each committed block's marketplace events to the "market" streams, in block order, off the
/// block producer's turn (one activation).</summary>
public interface IMarketRelayGrain : IGrainWithIntegerKey
{
    [Orleans.Concurrency.OneWay]
    Task PublishAsync(IReadOnlyList<MarketEventMessage> events);

    /// <summary>A committed block's events as the core made them: the relay turns them into stream messages itself, so
    /// the producer's turn does not (a block of settlements has a hundred thousand). Immutable: within a silo the list
    /// is handed over, not copied. <paramref name="previousHeight"/> is the last block with events the producer sent
    /// here (<see cref="MarketEventMessage.UnknownPrevious"/> after the producer's activation): the relay links each
    /// stream's messages only across an unbroken run (<see cref="MarketEventMessage.PreviousHeight"/>).</summary>
    [Orleans.Concurrency.OneWay]
    Task PublishBlockAsync(long height, long timestampMs, Orleans.Concurrency.Immutable<IReadOnlyList<Core.Market.MarketEvent>> events,
        long previousHeight = MarketEventMessage.UnknownPrevious);
}
