using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;
using TorchSharp;
using static OpenLedger.Tests.ML.TensorAssert;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML;

/// <summary>The CPU kernel of the heterogeneous projection (<see cref="GatheredLoraKernel"/>, through
/// <see cref="StackedLoraWeights"/>) against libtorch's per-adapter matmuls (<see cref="MultiLora.Forward"/>), on
/// shapes that are not multiples of the SIMD width, ranks that differ (zero-padded in the stack) and rows on the base.</summary>
public class ServingGatheredKernelTests
{
    public ServingGatheredKernelTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(13, 21, 1)]
    [InlineData(32, 96, 7)]
    [InlineData(64, 17, 16)]
    public void Each_row_gets_its_own_adapters_update_as_the_per_adapter_matmuls_compute_it(int inFeatures, int outFeatures, int time)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(11, torch.CPU);
        var ranks = new[] { 5, 8, 3, 8, 1, 6 };
        var adapters = ranks.Select((r, i) => new LoraWeights(torch.randn(r, inFeatures, generator: generator),
            torch.randn(outFeatures, r, generator: generator), 0.5 + i)).ToList();
        var weight = torch.randn(outFeatures, inFeatures, generator: generator);
        var bias = torch.randn(outFeatures, generator: generator);
        // Rows on the base, rows sharing an adapter, an adapter no row uses.
        int[] adapterOfRow = [2, -1, 0, 4, 2, 1, -1, 5, 3, 0];
        var x = torch.randn(adapterOfRow.Length, time, inFeatures, generator: generator);

        using var stacked = new StackedLoraWeights(adapters);
        var output = nn.functional.linear(x, weight, bias);
        var baseOnly = output.clone();
        stacked.AddUpdates(x, output, adapterOfRow);

        Close(MultiLora.Forward(x, weight, bias, adapterOfRow, adapters), output, rtol: 1e-5, atol: 1e-4);
        for (var r = 0; r < adapterOfRow.Length; r++)
            if (adapterOfRow[r] < 0) Assert.True(output[r].eq(baseOnly[r]).all().item<bool>(), $"row {r} is on the base and changed");
            else Assert.True(MaxDifference(output[r], baseOnly[r]) > 1e-3, $"row {r} did not get its update");
    }

    /// <summary>What decoding relies on: a position's update is the same floats whether it comes alone (a KV-cached
    /// step) or inside a whole sequence (the recomputing decoder), and whatever the other rows of the batch are.</summary>
    [Fact]
    public void A_positions_update_does_not_depend_on_the_rest_of_the_batch_to_the_last_bit()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(12, torch.CPU);
        var adapters = Enumerable.Range(0, 5).Select(i => new LoraWeights(torch.randn(8, 40, generator: generator),
            torch.randn(24, 8, generator: generator), 2.0)).ToList();
        int[] adapterOfRow = [3, 0, -1, 4, 1, 3];
        var x = torch.randn(adapterOfRow.Length, 9, 40, generator: generator);
        using var stacked = new StackedLoraWeights(adapters);
        var whole = torch.zeros(adapterOfRow.Length, 9, 24);
        stacked.AddUpdates(x, whole, adapterOfRow);

        for (var t = 0; t < 9; t++)
        {
            // One position per row, rows in reverse order: another batch, another length.
            var reversed = adapterOfRow.Reverse().ToArray();
            var position = x.narrow(1, t, 1).flip(0).contiguous();
            var alone = torch.zeros(adapterOfRow.Length, 1, 24);
            stacked.AddUpdates(position, alone, reversed);
            Assert.True(alone.flip(0).eq(whole.narrow(1, t, 1)).all().item<bool>(), $"position {t} differs");
        }
    }

    [Fact]
    public void A_slot_outside_the_stack_is_refused_before_anything_is_written()
    {
        using var scope = torch.NewDisposeScope();
        var adapters = new List<LoraWeights> { new(torch.ones(2, 4), torch.ones(3, 2), 1.0) };
        using var stacked = new StackedLoraWeights(adapters);
        var x = torch.ones(2, 1, 4);
        var output = torch.zeros(2, 1, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => stacked.AddUpdates(x, output, [0, 1]));
        Assert.Equal(0f, output.abs().sum().item<float>());
        stacked.AddUpdates(x, output, [0, -1]);
        Assert.Equal(8f, output[0, 0, 0].item<float>());
        Assert.Equal(0f, output[1].abs().sum().item<float>());
    }
}
