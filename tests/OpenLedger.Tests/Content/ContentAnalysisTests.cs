using System.Text;
using OpenLedger.Core.Content;
using OpenLedger.Storage.Content;

namespace OpenLedger.Tests.Content;

/// <summary>The content store analyses large uploads (normalise, hash, sign) off the caller's turn: the caller's
/// scheduler stands in for a grain activation's, which runs one work item at a time.</summary>
public class ContentAnalysisTests
{
    [Fact]
    public async Task Large_content_is_analysed_off_the_callers_turn_and_small_content_on_it()
    {
        var turns = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        var large = UnicodeNfcTests.AlternatingMarks(ContentAnalysis.OffloadBytes);
        var small = Encoding.UTF8.GetBytes("a short contribution");
        var (largeTask, smallTask) = await Task.Factory.StartNew(() =>
        {
            var l = ContentAnalysis.AnalyzeAsync(large);
            var s = ContentAnalysis.AnalyzeAsync(small);
            // Still inside the turn: the large analysis cannot have come back to it yet, the small one never left it.
            Assert.False(l.IsCompleted);
            Assert.True(s.IsCompletedSuccessfully);
            return (l, s);
        }, CancellationToken.None, TaskCreationOptions.None, turns);

        var (largeResult, smallResult) = (await largeTask, await smallTask);
        Assert.Equal(ContentHashes.Compute(large), largeResult.Digest);
        Assert.Equal(MinHash.Signature(large), largeResult.MinHash);
        Assert.Equal(ContentHashes.Compute(small), smallResult.Digest);
    }

    [Fact]
    public async Task A_cancelled_upload_that_waits_for_the_gate_starts_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ContentAnalysis.AnalyzeAsync(new byte[ContentAnalysis.OffloadBytes], cancelled.Token));
    }
}
