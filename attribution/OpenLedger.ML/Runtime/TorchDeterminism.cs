using TorchSharp;

namespace OpenLedger.ML.Runtime;

/// <summary>
/// Settings for reproducible CPU results. <see cref="Seed"/> fixes the global random generators. Float reductions
/// (matmul, sum) may differ in the last bits with the number of threads that split the work, so checks that compare bit
/// for bit run inside <see cref="SingleThreaded"/>. Measured here: this libtorch build's thread count (OpenMP) belongs to
/// the thread that sets it, so a scope holds for torch calls made on the thread that opened it; work handed to other
/// threads sets its own count (as <c>FineTuneRun.Run(threads:)</c> does).
/// </summary>
public static class TorchDeterminism
{
    static readonly Lock Gate = new();
    static int _singleThreadedScopes;
    static int _threadsBefore;

    /// <summary>Seeds libtorch's default generator (and every CUDA device's, when there are any).</summary>
    public static void Seed(long seed)
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }

    /// <summary>
    /// Runs libtorch's CPU kernels on one thread until the returned scope is disposed. Scopes may overlap (tests on
    /// several threads): the first sets one thread, the last to close restores the count found before the first.
    /// </summary>
    public static IDisposable SingleThreaded()
    {
        TorchRuntime.EnsureLoaded();
        lock (Gate)
        {
            if (_singleThreadedScopes++ == 0)
            {
                _threadsBefore = torch.get_num_threads();
                torch.set_num_threads(1);
            }
        }
        return new SingleThreadedScope();
    }

    /// <summary>Whether a <see cref="SingleThreaded"/> scope is open.</summary>
    public static bool IsSingleThreaded
    {
        get { lock (Gate) return _singleThreadedScopes > 0; }
    }

    sealed class SingleThreadedScope : IDisposable
    {
        int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            lock (Gate)
            {
                if (--_singleThreadedScopes == 0) torch.set_num_threads(_threadsBefore);
            }
        }
    }
}
