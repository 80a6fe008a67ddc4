using Orleans.Streams;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Grains.Market;

/// <summary>Tells whether anyone listens to a "market" stream: an explicit subscription in Orleans' pub/sub (the gateway's
/// <see cref="MarketEventSubscriptions"/>, or any other) or an implicit subscriber grain of its namespace. A settlement
/// credits a hundred payees, and each credit published to a stream nobody reads is still queued, copied, cached and
/// pulled by the memory provider: most of a settlement's cost outside the producer. The relay asks here first.</summary>
/// <remarks>
/// Exact where it matters: a subscription made before a block is published is seen (the pub/sub is asked after the
/// subscription completed), so a subscriber still gets every event published after it subscribed. A stream found
/// listened to is remembered for <see cref="RememberListened"/> without asking again; publishing to it after its last
/// listener left only costs what it cost before. A stream found silent is never remembered: its next block asks again.
/// One instance per relay activation (not thread-safe; the relay is not reentrant).
/// </remarks>
public sealed class MarketStreamAudience(IStreamPubSub pubSub, TimeProvider? clock = null)
{
    public static readonly TimeSpan RememberListened = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<StreamId, long> _listenedUntil = [];

    /// <summary>Built on the silo's stream pub/sub, the one the memory provider delivers by; null where there is none
    /// (an Orleans client process), and the caller then publishes to every route. Orleans keeps the runtime that hands
    /// out its pub/sub internal (the pub/sub interface itself is public), so it is found by name; should a later
    /// Orleans move it, this returns null and events go to every route as before (a test pins that it is found).</summary>
    public static MarketStreamAudience? Of(IServiceProvider services)
    {
        var runtimeType = typeof(IStreamPubSub).Assembly.GetType("Orleans.Streams.IStreamProviderRuntime");
        var pubSubMethod = runtimeType?.GetMethod("PubSub", [typeof(StreamPubSubType)]);
        if (runtimeType is null || pubSubMethod is null || services.GetService(runtimeType) is not { } runtime) return null;
        return pubSubMethod.Invoke(runtime, [StreamPubSubType.ExplicitGrainBasedAndImplicit]) is IStreamPubSub pubSub
            ? new MarketStreamAudience(pubSub)
            : null;
    }

    public async Task<bool> HasListenersAsync(StreamId stream)
    {
        var now = _clock.GetTimestamp();
        if (_listenedUntil.TryGetValue(stream, out var until) && now < until) return true;
        var id = new QualifiedStreamId(MarketStreams.ProviderName, stream);
        bool listened;
        try
        {
            // Implicit subscriptions come from the grain types' attributes (no call); explicit ones from the stream's rendezvous grain.
            listened = (await pubSub.GetAllSubscriptions(id, default)).Count > 0;
        }
        catch (Exception)
        {
            return true; // the pub/sub could not say: publish, as if someone listened (the stream then decides)
        }
        if (listened) _listenedUntil[stream] = now + (long)(RememberListened.TotalSeconds * _clock.TimestampFrequency);
        else _listenedUntil.Remove(stream);
        return listened;
    }
}
