using OpenLedger.Core.Crypto;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Training;

namespace OpenLedger.Tests.ML;

/// <summary>The base-model recipe end to end at tiny size, and the committed built-in models.</summary>
public sealed class BaseModelTests : IDisposable
{
    private static readonly Lazy<WordNetCorpus> WordNet = new(() => WordNetCorpus.Load(WordNetCorpus.DefaultDirectory));
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ol-base-model-" + Guid.NewGuid().ToString("N"));

    public BaseModelTests() => TorchRuntime.EnsureLoaded();

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void The_tiny_recipe_trains_writes_its_three_files_and_loads_back_with_the_recorded_hashes()
    {
        var progress = new List<TrainingProgress>();
        var manifest = BaseModelRecipe.Train(BaseModelOptions.Tiny(_dir), progress.Add);

        Assert.Equal(6, manifest.Training.Steps);
        Assert.Equal(Enumerable.Range(0, 7), progress.Select(p => p.Step));
        Assert.True(manifest.HeldOut.Loss < manifest.HeldOut.InitialLoss, $"{manifest.HeldOut.InitialLoss} -> {manifest.HeldOut.Loss}");
        Assert.True(manifest.Corpus.HeldOutSynsets > 0 && manifest.Corpus.TrainSynsets > 10 * manifest.Corpus.HeldOutSynsets);
        foreach (var file in new[] { BaseModelRecipe.TokenizerFile, BaseModelRecipe.WeightsFile, BaseModelRecipe.ManifestFile })
            Assert.True(File.Exists(Path.Combine(_dir, file)), file);
        Assert.Equal(manifest.Weights.Keccak, Keccak256.Hash(File.ReadAllBytes(Path.Combine(_dir, BaseModelRecipe.WeightsFile))).ToString());

        using var loaded = BaseModelRecipe.Load(_dir);
        Assert.Equal(manifest, loaded.Manifest with { });
        Assert.Equal(manifest.Config, loaded.Model.Config);
        var check = Trainer.Evaluate(loaded.Model, loaded.HeldOut(WordNet.Value), manifest.HeldOut.CheckRows);
        Assert.Equal(manifest.HeldOut.CheckLoss, check.Loss, 4);
    }

    [Fact]
    public void Load_refuses_weights_that_do_not_match_the_manifest()
    {
        BaseModelRecipe.Train(BaseModelOptions.Tiny(_dir) with { Training = BaseModelOptions.Tiny(_dir).Training with { Steps = 1 } });
        var weights = Path.Combine(_dir, BaseModelRecipe.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 1;
        File.WriteAllBytes(weights, bytes);

        var error = Assert.Throws<InvalidDataException>(() => BaseModelRecipe.Load(_dir));
        Assert.Contains("keccak", error.Message);
    }

    [Fact]
    public void Every_shipped_builtin_model_loads_with_its_recorded_hash_and_held_out_loss()
    {
        var shipped = BaseModelCatalog.Shipped();
        Assert.Contains(shipped, s => s.Recipe == "wordnet-1m");
        foreach (var (recipe, directory, _) in shipped)
        {
            using var builtin = BaseModelRecipe.Load(directory);   // checks both files' keccak
            var manifest = builtin.Manifest;
            Assert.Equal(manifest.Weights.Keccak, Keccak256.Hash(File.ReadAllBytes(Path.Combine(directory, BaseModelRecipe.WeightsFile))).ToString());
            Assert.Equal(manifest.Tokenizer.VocabSize, builtin.Tokenizer.VocabSize);
            Assert.True(manifest.HeldOut.Loss < manifest.HeldOut.InitialLoss - 2.0, $"{recipe}: {manifest.HeldOut.InitialLoss} -> {manifest.HeldOut.Loss}");

            // A few held-out rows, rebuilt from WordNet by the manifest's split: the same loss as recorded (up to float
            // reduction order: the run used another thread count), and near the loss over the whole held-out set.
            var check = Trainer.Evaluate(builtin.Model, builtin.HeldOut(WordNet.Value), manifest.HeldOut.CheckRows);
            Assert.Equal(manifest.HeldOut.CheckLoss, check.Loss, 3);
            Assert.InRange(check.Loss, manifest.HeldOut.Loss - 0.5, manifest.HeldOut.Loss + 0.5);
        }
    }

    /// <summary>Models registered over the first built-in model name it by this hash (builtin:0x086e…), and their
    /// attribution indexes were built over these weights: a build that changed them would orphan every such model.</summary>
    [Fact]
    public void The_first_builtin_model_keeps_its_hashes()
    {
        var manifest = BaseModelRecipe.ReadManifest(BaseModelCatalog.DirectoryOf("wordnet-1m"));
        Assert.Equal("0x086eb160d50a37e8d3fe953ae29acfa96cf7e130bbe20b9fc592b083172bef8c", manifest.Weights.Keccak);
        Assert.Equal("0x2fdd676432287fab638b78b5baaf56b6c242f0fe4b692eac29c361fe8f04d5dd", manifest.Tokenizer.Keccak);
        Assert.Equal(1_063_680, manifest.Weights.Parameters);
    }

    [Fact]
    public void The_split_is_fixed_by_the_synset_ids()
    {
        var (train, heldOut) = BaseModelRecipe.Split(WordNet.Value, maxSynsets: null, heldOutPerMille: 10);
        Assert.Equal(WordNet.Value.Synsets.Count, train.Count + heldOut.Count);
        Assert.InRange(heldOut.Count, 900, 1500);
        Assert.Empty(heldOut.Select(s => s.Id).Intersect(train.Select(s => s.Id)));
    }
}
