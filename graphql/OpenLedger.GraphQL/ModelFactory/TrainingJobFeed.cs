using OpenLedger.Core.Crypto;
using OpenLedger.Grains;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.ModelFactory;
using Orleans.Streams;

namespace OpenLedger.GraphQL.ModelFactory;

/// <summary>
/// A subscriber's view of one training job: the job as it is now, then every update published on its stream
/// (<see cref="MarketStreams.TrainingStream"/>), in order (older or repeated updates dropped by sequence), completing
/// after the update that finishes the job. One Orleans stream subscription per GraphQL subscriber: jobs have few
/// watchers, unlike datanets and reward accounts.
/// </summary>
public sealed class TrainingJobFeed : IObservable<TrainingJobView>
{
    private readonly IClusterClient _client;
    private readonly Hash32 _id;

    public TrainingJobFeed(IClusterClient client, Hash32 id)
    {
        _client = client;
        _id = id;
    }

    public IDisposable Subscribe(IObserver<TrainingJobView> observer)
    {
        var subscription = new Subscription(observer);
        _ = subscription.StartAsync(_client, _id);
        return subscription;
    }

    private sealed class Subscription(IObserver<TrainingJobView> observer) : IDisposable
    {
        private readonly Lock _gate = new();
        private StreamSubscriptionHandle<TrainingJobView>? _handle;
        private long _lastSequence = -1;
        private bool _done;

        public async Task StartAsync(IClusterClient client, Hash32 id)
        {
            try
            {
                var stream = client.GetStreamProvider(MarketStreams.ProviderName).GetStream<TrainingJobView>(MarketStreams.TrainingStream(GrainKeys.Of(id)));
                var handle = await stream.SubscribeAsync((view, _) => { Deliver(view); return Task.CompletedTask; });
                bool disposeNow;
                lock (_gate)
                {
                    _handle = handle;
                    disposeNow = _done;
                }
                if (disposeNow) await handle.UnsubscribeAsync();
                // Subscribed first, read second: an update between the two is delivered, not lost.
                var current = await client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(id)).GetAsync();
                if (current is null) Complete(new ArgumentException($"no training job {id}"));
                else Deliver(current);
            }
            catch (Exception e)
            {
                Complete(e);
            }
        }

        private void Deliver(TrainingJobView view)
        {
            lock (_gate)
            {
                if (_done || view.Sequence <= _lastSequence) return;
                _lastSequence = view.Sequence;
                observer.OnNext(view);
            }
            if (view.IsFinished) Complete(null);
        }

        private void Complete(Exception? error)
        {
            StreamSubscriptionHandle<TrainingJobView>? handle;
            lock (_gate)
            {
                if (_done) return;
                _done = true;
                handle = _handle;
                if (error is null) observer.OnCompleted();
                else observer.OnError(error);
            }
            if (handle is not null) _ = handle.UnsubscribeAsync();
        }

        public void Dispose()
        {
            StreamSubscriptionHandle<TrainingJobView>? handle;
            lock (_gate)
            {
                if (_done) return;
                _done = true;
                handle = _handle;
            }
            if (handle is not null) _ = handle.UnsubscribeAsync();
        }
    }
}
