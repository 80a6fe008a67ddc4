namespace OpenLedger.GraphQL.Feeds;

/// <summary>The few observable operators the subscriptions need (System.Reactive is not a dependency of this project).</summary>
public static class Observables
{
    /// <summary>Maps and filters: <paramref name="select"/> returns the values to emit for one input (none, one or more),
    /// and whether the stream is then complete.</summary>
    public static IObservable<TOut> SelectMany<TIn, TOut>(this IObservable<TIn> source, Func<TIn, (IEnumerable<TOut> Values, bool Complete)> select,
        IEnumerable<TOut>? first = null) => new Mapped<TIn, TOut>(source, select, first);

    /// <summary>Calls <paramref name="onNext"/> with each value (errors and completion ignored); dispose the result to stop.</summary>
    public static IDisposable OnEach<T>(this IObservable<T> source, Action<T> onNext) => source.Subscribe(new Sink<T>(onNext));

    /// <summary>One value, then completion.</summary>
    public static IObservable<T> Return<T>(T value) => new Single<T>(value);

    private sealed class Single<T>(T value) : IObservable<T>
    {
        public IDisposable Subscribe(IObserver<T> observer)
        {
            observer.OnNext(value);
            observer.OnCompleted();
            return new Disposer(() => { });
        }
    }

    private sealed class Mapped<TIn, TOut>(IObservable<TIn> source, Func<TIn, (IEnumerable<TOut>, bool)> select, IEnumerable<TOut>? first) : IObservable<TOut>
    {
        public IDisposable Subscribe(IObserver<TOut> observer)
        {
            var gate = new object();
            var done = false;
            IDisposable? upstream = null;
            var sink = new Sink<TIn>(value =>
            {
                lock (gate)
                {
                    if (done) return;
                    var (values, complete) = select(value);
                    foreach (var v in values) observer.OnNext(v);
                    if (complete) { done = true; observer.OnCompleted(); upstream?.Dispose(); }
                }
            });
            lock (gate)
            {
                foreach (var v in first ?? []) observer.OnNext(v);
                upstream = source.Subscribe(sink);
                if (done) upstream.Dispose();
            }
            return new Disposer(() => { lock (gate) done = true; upstream!.Dispose(); });
        }
    }

    private sealed class Sink<T>(Action<T> onNext) : IObserver<T>
    {
        public void OnCompleted() { }
        public void OnError(Exception error) { }
        public void OnNext(T value) => onNext(value);
    }

    private sealed class Disposer(Action dispose) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) dispose(); }
    }
}
