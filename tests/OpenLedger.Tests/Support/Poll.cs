namespace OpenLedger.Tests.Support;

/// <summary>Waiting for a condition that the code under test offers no event for. A deadline is unavoidable there, so
/// the failure says what was awaited and what was last seen, not just "timed out".</summary>
public static class Poll
{
    /// <summary>Generous: a condition that holds returns at once, and a loaded CI machine (or a CPU hog beside the
    /// suite) can take seconds to run what a quiet one does in milliseconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<bool> condition, string awaited, Func<string> seen, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit) Assert.Fail($"waited {limit.TotalSeconds:0.#} s for {awaited}; last seen: {seen()}");
            await Task.Delay(20);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string awaited, Func<string> seen, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit) Assert.Fail($"waited {limit.TotalSeconds:0.#} s for {awaited}; last seen: {seen()}");
            await Task.Delay(20);
        }
    }
}
