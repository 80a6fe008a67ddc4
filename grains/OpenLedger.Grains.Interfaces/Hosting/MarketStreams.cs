namespace OpenLedger.Grains.Hosting;

/// <summary>The "market" stream provider that carries committed marketplace events (<see cref="Market.MarketEventMessage"/>)
/// and Model Factory progress to the gateway's GraphQL subscriptions, and the stream ids of each topic. A namespace
/// exists only while something outside the tests subscribes to it: each one names its consumer. Silos and Orleans clients both call
/// <c>AddOpenLedgerStreams()</c> (MarketStreamHosting in OpenLedger.Grains, MarketStreamClientHosting here); the provider name must match on both sides.
/// It lives with the grain interfaces because the gateway, which references only those, subscribes to these streams.</summary>
/// <remarks>
/// Memory streams: messages live in queue grains inside the cluster and are lost if the silo holding them dies.
/// That is acceptable because nothing that moves money depends on a stream message: settlement is driven from chain
/// state, and a subscriber that missed events re-reads them from the ledger. Each stream is delivered in order to each
/// subscriber (one queue per stream); a failed delivery is retried, so a subscriber may see a message twice and drops
/// repeats by the message's (Height, Sequence).
/// </remarks>
public static class MarketStreams
{
    public const string ProviderName = "market";

    /// <summary>Stream key: datanet id. Contributions added, approved, versions published. Consumed by the GraphQL
    /// <c>datanetActivity(id)</c> subscription.</summary>
    public const string DatanetNamespace = "datanet";
    /// <summary>Stream key: account address. Rewards credited to it and every event whose Party it is. Consumed by the
    /// GraphQL <c>rewards(address, all)</c> subscription.</summary>
    public const string RewardsNamespace = "rewards";

    /// <summary>Stream key: training job id. Every progress report and status change of one Model Factory job
    /// (<see cref="ModelFactory.TrainingJobView"/>). Consumed by the GraphQL <c>trainingJob(id)</c> subscription.</summary>
    public const string TrainingNamespace = "training";

    /// <summary>Stream key: attribution operator address. One <see cref="Attribution.AttributionResult"/> per inference the
    /// attribution worker attributed. Consumed by the settlement grain of that operator (an implicit subscription), which
    /// signs the SettleAttribution transactions; a lost message is made good by the worker from chain state.</summary>
    public const string AttributionNamespace = "attribution";

    /// <summary>Stream keys are <see cref="GrainKeys"/>: lower-case 0x hex, so an EIP-55 address and its lower-case form name the same stream.</summary>
    public static StreamId DatanetStream(string datanetIdHex) => StreamId.Create(DatanetNamespace, GrainKeys.OfHex(datanetIdHex));
    public static StreamId RewardsStream(string addressHex) => StreamId.Create(RewardsNamespace, GrainKeys.OfHex(addressHex));
    public static StreamId TrainingStream(string jobIdHex) => StreamId.Create(TrainingNamespace, GrainKeys.OfHex(jobIdHex));
    public static StreamId AttributionStream(string operatorHex) => StreamId.Create(AttributionNamespace, GrainKeys.OfHex(operatorHex));
}
