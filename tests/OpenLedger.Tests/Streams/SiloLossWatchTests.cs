using Orleans.TestingHost;
using OpenLedger.Grains.Market;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Streams;

/// <summary><see cref="SiloLossWatch"/> on a real two-silo cluster, from an Orleans client (the separate gateway's
/// case): a silo joining is no loss; a silo leaving is one, reported once to every registered subscriber.</summary>
public sealed class SiloLossWatchTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = new InProcessTestClusterBuilder(2).WithClusterTls().Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_silo_that_leaves_is_reported_once_to_each_subscriber_and_one_that_joins_is_not()
    {
        await using var watch = new SiloLossWatch(_cluster.Client) { Interval = TimeSpan.FromMilliseconds(200) };
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var a = watch.Register(() => { first.TrySetResult(); return Task.CompletedTask; });
        using var b = watch.Register(() => { second.TrySetResult(); return Task.CompletedTask; });

        var joined = await _cluster.StartAdditionalSiloAsync();
        // Several polls see three silos: a join is no loss.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await _cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(100);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, watch.Losses);
        Assert.False(first.Task.IsCompleted);

        await _cluster.StopSiloAsync(joined);
        await Task.WhenAll(first.Task, second.Task).WaitAsync(TimeSpan.FromSeconds(60));
        // Once, or twice when a poll failed while the silo was going (a failed read counts as a loss): never zero.
        Assert.InRange(watch.Losses, 1, 2);
    }
}
