using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;
using TorchSharp;
using TorchSharp.Modules;
using static OpenLedger.Tests.ML.TensorAssert;

namespace OpenLedger.Tests.ML;

public class ServingMultiAdapterTests
{
    private static readonly Gpt2Config Tiny = ServingTestAdapter.Tiny;

    public ServingMultiAdapterTests() => TorchRuntime.EnsureLoaded();

    /// <summary>gatherFrom 1: every projection through the gathered batched matmuls; int.MaxValue: through the
    /// per-adapter segments; 4: the default, both depending on how many adapters target a projection.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(MultiAdapterModel.DefaultGatherFrom)]
    [InlineData(int.MaxValue)]
    public void A_batch_mixing_adapters_and_plain_rows_gives_each_row_its_merged_model_logits(int gatherFrom)
    {
        var trained = ServingTestAdapter.Mix.Select((config, i) => new ServingTestAdapter(config, seed: 10 + i)).ToList();
        var served = trained.Select(t => ServedAdapter.Parse(t.Id, t.Bytes)).ToList();
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model, gatherFrom);

        var random = new Random(5);
        var adapterOfRow = Enumerable.Range(0, 14).Select(r => r < served.Count ? r : random.Next(-1, served.Count)).ToArray();
        adapterOfRow[^1] = -1;
        using var tokens = Tokens(adapterOfRow.Length, 10, Tiny.VocabSize, seed: 3);
        var rowAdapters = adapterOfRow.Select(a => a < 0 ? null : served[a]).ToList();
        using var batched = serving.Forward(tokens, rowAdapters);
        // A second forward with fewer rows (as decoding drops finished rows) reuses or rebuilds the stacked weights.
        using (var again = serving.Forward(tokens[1..], rowAdapters.Skip(1).ToList())) Close(batched[1..], again, rtol: 1e-5, atol: 1e-5);
        serving.EndBatch();

        using var plain = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        plain.eval();
        using var noGrad = torch.no_grad();
        for (var r = 0; r < adapterOfRow.Length; r++)
        {
            using var row = tokens[r..(r + 1)];
            var a = adapterOfRow[r];
            using var expected = a < 0 ? plain.call(row) : trained[a].MergedLogits(row);
            Close(expected, batched[r..(r + 1)], rtol: 1e-4, atol: 1e-4);
            if (a >= 0)
            {
                using var baseLogits = plain.call(row);
                Assert.True(MaxDifference(baseLogits, expected) > 1e-2, $"adapter {a} hardly changes the output");
            }
        }
        foreach (var adapter in served) adapter.Dispose();
        foreach (var t in trained) t.Dispose();
    }

    [Fact]
    public void Without_adapters_the_output_is_exactly_the_base_models_and_Dispose_restores_the_projections()
    {
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        using var plain = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        plain.eval();
        using var tokens = Tokens(3, 12, Tiny.VocabSize, seed: 4);
        using var noGrad = torch.no_grad();
        using var expected = plain.call(tokens);
        var names = model.named_parameters().Select(p => p.name).ToList();

        using (var serving = new MultiAdapterModel(model))
        {
            Assert.All(model.Projections(), p => Assert.IsType<MultiAdapterProjection>(p.Module));
            Assert.Equal(names, model.named_parameters().Select(p => p.name));
            Assert.DoesNotContain(model.parameters(), p => p.requires_grad);
            using var served = serving.Forward(tokens, [null, null, null]);
            Equal(expected, served);
        }
        Assert.All(model.Projections(), p => Assert.IsType<Linear>(p.Module));
        Equal(expected, model.call(tokens));
    }

    [Fact]
    public void Merging_for_one_run_leaves_the_base_weights_bit_identical()
    {
        using var trained = new ServingTestAdapter(ServingTestAdapter.Mix[0], seed: 3);
        using var adapter = ServedAdapter.Parse(trained.Id, trained.Bytes);
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        var before = model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone());
        using var tokens = Tokens(2, 8, Tiny.VocabSize, seed: 6);

        using var merged = serving.RunMerged(adapter, () => serving.Forward(tokens, [null, null]));
        using var batched = serving.Forward(tokens, [adapter, adapter]);

        Close(merged, batched, rtol: 1e-4, atol: 1e-4);
        foreach (var (name, tensor) in model.state_dict()) Equal(before[name], tensor, $"{name} changed");
    }

    [Fact]
    public void An_adapter_for_another_shape_is_refused()
    {
        using var trained = new ServingTestAdapter(ServingTestAdapter.Mix[0], seed: 3);
        using var adapter = ServedAdapter.Parse(trained.Id, trained.Bytes);
        using var wider = new Gpt2Model(Tiny with { ModelDim = 64 }, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(wider);
        using var tokens = Tokens(1, 4, Tiny.VocabSize, seed: 6);
        Assert.Throws<ArgumentException>(() => serving.Forward(tokens, [adapter]));
    }
}
