using System.Collections.Concurrent;
using OpenLedger.ML.Runtime;
using TorchSharp;

namespace OpenLedger.ML.Grains.Attribution;

/// <summary>One dedicated thread that runs libtorch work in order, with libtorch's CPU kernels on that one thread. Off the
/// grain scheduler (an attribution takes milliseconds to seconds of CPU), and single-threaded because float reductions
/// split over several threads may differ in their last bits: one thread makes a record the same bytes on every silo and
/// after every restart (see <see cref="TorchDeterminism"/>: libtorch's thread count belongs to the thread that sets it).</summary>
public sealed class TorchThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    public TorchThread(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread, after the work queued before it.</summary>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    private void Loop()
    {
        TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
        foreach (var work in _work.GetConsumingEnumerable()) work();
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(30));
        _work.Dispose();
    }
}
