using OpenLedger.ML.Runtime;
using OpenLedger.ML.Training;

namespace OpenLedger.Tests.ML;

public class TokenBatchesTests
{
    public TokenBatchesTests() => TorchRuntime.EnsureLoaded();

    private static long[] Row(TorchSharp.torch.Tensor t, int row) => t[row].data<long>().ToArray();
    private static bool[] MaskRow(TorchSharp.torch.Tensor t, int row) => t[row].data<bool>().ToArray();

    [Fact]
    public void Examples_are_shifted_padded_and_masked_to_the_context_length()
    {
        var data = TokenBatches.FromExamples([[1, 2, 3], [4, 5, 6, 7, 8, 9, 10], [11]], contextLength: 4, batchSize: 8, seed: 1, padId: 0);

        Assert.Equal(2, data.RowCount);   // [11] has no target
        using var batch = data.InOrder().Single();
        Assert.Equal([2L, 4], batch.Inputs.shape);
        Assert.Equal([1L, 2, 3, 0], Row(batch.Inputs, 0));
        Assert.Equal([2L, 3, 0, 0], Row(batch.Targets, 0));
        Assert.Equal([true, true, false, false], MaskRow(batch.Mask, 0));
        Assert.Equal([4L, 5, 6, 7], Row(batch.Inputs, 1));   // truncated to context + 1 tokens
        Assert.Equal([5L, 6, 7, 8], Row(batch.Targets, 1));
        Assert.Equal([true, true, true, true], MaskRow(batch.Mask, 1));
        Assert.Equal(6, batch.TokenCount);
    }

    [Fact]
    public void A_stream_is_cut_into_windows_that_overlap_by_one_so_every_token_is_a_target_once()
    {
        var data = TokenBatches.FromStream(Enumerable.Range(1, 10).ToList(), contextLength: 4, batchSize: 8, seed: 1, padId: 0);

        Assert.Equal(3, data.RowCount);
        Assert.Equal(9, data.TargetTokenCount);
        using var batch = data.InOrder().Single();
        Assert.Equal([1L, 2, 3, 4], Row(batch.Inputs, 0));
        Assert.Equal([2L, 3, 4, 5], Row(batch.Targets, 0));
        Assert.Equal([5L, 6, 7, 8], Row(batch.Inputs, 1));
        Assert.Equal([9L, 10, 0, 0], Row(batch.Inputs, 2));
        Assert.Equal([10L, 0, 0, 0], Row(batch.Targets, 2));
        Assert.Equal([true, false, false, false], MaskRow(batch.Mask, 2));
    }

    [Fact]
    public void Training_order_is_a_permutation_per_epoch_fixed_by_the_seed()
    {
        var rows = Enumerable.Range(0, 20).Select(i => new[] { i, i + 100 }).ToList();
        var a = TokenBatches.FromExamples(rows, 1, batchSize: 4, seed: 7, padId: 0);
        var b = TokenBatches.FromExamples(rows, 1, batchSize: 4, seed: 7, padId: 0);
        var other = TokenBatches.FromExamples(rows, 1, batchSize: 4, seed: 8, padId: 0);

        Assert.Equal(5, a.BatchesPerEpoch);
        Assert.Equal(a.Order(0), b.Order(0));
        Assert.Equal(a.Order(3), b.Order(3));
        Assert.NotEqual(a.Order(0), a.Order(1));
        Assert.NotEqual(a.Order(0), other.Order(0));
        Assert.Equal(Enumerable.Range(0, 20), a.Order(1).Order());

        // Batch k depends only on (seed, k): epoch 1's batches are read straight from batch index 5 on.
        var epoch1 = Enumerable.Range(5, 5).SelectMany(k => { using var batch = a.Batch(k); return batch.Inputs.data<long>().ToArray(); });
        Assert.Equal(a.Order(1).Select(i => (long)i), epoch1);
    }
}
