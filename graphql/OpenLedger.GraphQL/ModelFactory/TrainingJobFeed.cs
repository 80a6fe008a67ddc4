using OpenLedger.Core.Crypto;
using OpenLedger.Grains;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using Orleans.Streams;

namespace OpenLedger.GraphQL.ModelFactory;

/// <summary>
/// A subscriber's view of one training job: the job as it is now, then every update published on its stream
/// (<see cref="MarketStreams.TrainingStream"/>), in order (older or repeated updates dropped by sequence), completing
/// after the update that finishes the job. One Orleans stream subscription per GraphQL subscriber: jobs have few
/// watchers, unlike datanets and reward accounts. Progress is not on chain, but the job grain's view is stored: after a
/// silo leaves the cluster (<see cref="SiloLossWatch"/>: the stream's queue or subscription may have died with it) the
/// feed subscribes again and reads the job's view, so a subscriber ends with the job's last state, never stuck on a lost
/// update (the reports in between are a progress display, each superseded by the next).
/// </summary>
public sealed class TrainingJobFeed : IObservable<TrainingJobView>
{
    private readonly IClusterClient _client;
    private readonly Hash32 _id;
    private readonly SiloLossWatch? _losses;

    public TrainingJobFeed(IClusterClient client, Hash32 id, SiloLossWatch? losses = null)
    {
        _client = client;
        _id = id;
        _losses = losses;
    }

    public IDisposable Subscribe(IObserver<TrainingJobView> observer)
    {
        var subscription = new Subscription(observer, _client, _id);
        _ = subscription.StartAsync(_losses);
        return subscription;
    }

    private sealed class Subscription(IObserver<TrainingJobView> observer, IClusterClient client, Hash32 id) : IDisposable
    {
        private readonly Lock _gate = new();
        private StreamSubscriptionHandle<TrainingJobView>? _handle;
        private IDisposable? _lossRegistration;
        private long _lastSequence = -1;
        private bool _done;

        public async Task StartAsync(SiloLossWatch? losses)
        {
            try
            {
                await SubscribeAndReadAsync(first: true);
                if (losses is null) return;
                var registration = losses.Register(RecoverAsync);
                bool disposeNow;
                lock (_gate)
                {
                    _lossRegistration = registration;
                    disposeNow = _done;
                }
                if (disposeNow) registration.Dispose();
            }
            catch (Exception e)
            {
                Complete(e);
            }
        }

        private async Task SubscribeAndReadAsync(bool first)
        {
            var stream = client.GetStreamProvider(MarketStreams.ProviderName).GetStream<TrainingJobView>(MarketStreams.TrainingStream(GrainKeys.Of(id)));
            var handle = await stream.SubscribeAsync((view, _) => { Deliver(view); return Task.CompletedTask; });
            StreamSubscriptionHandle<TrainingJobView>? old;
            bool disposeNow;
            lock (_gate)
            {
                old = _handle;
                _handle = handle;
                disposeNow = _done;
            }
            if (disposeNow) await handle.UnsubscribeAsync();
            if (old is not null) _ = old.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            // Subscribed first, read second: an update between the two is delivered, not lost.
            var current = await client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(id)).GetAsync();
            if (current is null) { if (first) Complete(new ArgumentException($"no training job {id}")); }
            else Deliver(current);
        }

        /// <summary>A silo left: the stream's queue or this subscription may be gone with it.</summary>
        private async Task RecoverAsync()
        {
            lock (_gate) if (_done) return;
            await SubscribeAndReadAsync(first: false);
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
            IDisposable? registration;
            lock (_gate)
            {
                if (_done) return;
                _done = true;
                handle = _handle;
                registration = _lossRegistration;
                if (error is null) observer.OnCompleted();
                else observer.OnError(error);
            }
            registration?.Dispose();
            if (handle is not null) _ = handle.UnsubscribeAsync();
        }

        public void Dispose()
        {
            StreamSubscriptionHandle<TrainingJobView>? handle;
            IDisposable? registration;
            lock (_gate)
            {
                if (_done) return;
                _done = true;
                handle = _handle;
                registration = _lossRegistration;
            }
            registration?.Dispose();
            if (handle is not null) _ = handle.UnsubscribeAsync();
        }
    }
}
