using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Training;
using TorchSharp;
using static OpenLedger.Tests.ML.TensorAssert;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML;

/// <summary>The engine's AdamW is TorchSharp's AdamW step for step: the same weights and moments, bit for bit, with
/// and without weight decay, across a changing learning rate.</summary>
[Collection(TorchSettingsCollection.Name)]
public sealed class AdamWOptimizerTests
{
    static AdamWOptimizerTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Gives_the_weights_of_TorchSharps_AdamW_bit_for_bit(double weightDecay)
    {
        using var single = TorchDeterminism.SingleThreaded();
        var ours = Train(weightDecay, reference: false);
        var theirs = Train(weightDecay, reference: true);
        Assert.Equal(theirs.Keys.Order(), ours.Keys.Order());
        foreach (var (name, tensor) in theirs)
            Assert.True(tensor.data<float>().ToArray().AsSpan().SequenceEqual(ours[name].data<float>().ToArray()), $"{name} differs");
    }

    [Fact]
    public void Refuses_hyperparameters_out_of_range()
    {
        using var model = new Gpt2Model(Gpt2Tests.Tiny, seed: 1);
        var parameters = model.parameters().ToList();
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptimizer(parameters, 1.0, 0.999, 1e-8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptimizer(parameters, 0.9, -0.1, 1e-8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptimizer(parameters, 0.9, 0.999, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptimizer(parameters, 0.9, 0.999, 1e-8, -0.5));
    }

    private static Dictionary<string, Tensor> Train(double weightDecay, bool reference)
    {
        using var model = new Gpt2Model(Gpt2Tests.Tiny, seed: 7);
        model.ReseedDropout(7);
        model.train();
        var parameters = model.parameters().ToList();
        using var tokens = Tokens(4, 12, Gpt2Tests.Tiny.VocabSize, seed: 3);
        using var inputs = tokens[.., ..^1];
        using var targets = tokens[.., 1..];
#pragma warning disable OL1001 // the reference: TorchSharp's own AdamW, as the trainer used it before
        using var theirs = reference ? torch.optim.AdamW(parameters, 1e-3, 0.9, 0.999, 1e-8, weightDecay) : null;
        using var ours = reference ? null : new AdamWOptimizer(parameters, 0.9, 0.999, 1e-8, weightDecay);
        for (var step = 0; step < 8; step++)
        {
            var learningRate = 3e-3 * (step + 1) / 8;
            using var scope = torch.NewDisposeScope();
            if (theirs is not null)
            {
                foreach (var group in theirs.ParamGroups) group.LearningRate = learningRate;
                theirs.zero_grad();
            }
            else ours!.ZeroGrad();
            var loss = model.Loss(inputs, targets);
            loss.backward();
            if (theirs is not null) theirs.step();
            else ours!.Update(learningRate);
        }
#pragma warning restore OL1001
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
    }
}
