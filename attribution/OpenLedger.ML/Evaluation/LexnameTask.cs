using System.Text;
using OpenLedger.Core.Transactions;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Corpus;

namespace OpenLedger.ML.Evaluation;

/// <summary>One example of the lexname task: the synset it was made from and its text-label form.</summary>
public sealed record LexnameExample(Synset Synset, TaskExample Example);

/// <summary>
/// A real classification task built from WordNet 3.0: a synset's gloss → its lexicographer category
/// (<c>noun.animal</c>, <c>verb.motion</c>, ...; 45 classes). The test set is the synsets the built-in base model was
/// never trained on (<see cref="BaseModelRecipe.IsHeldOut"/> with the manifest's per-mille), so neither the base model
/// nor an adapter fine-tuned on the training set has seen a test gloss; the training set is a sample of the other
/// synsets. Every choice is a pure function of the synset ids, so the task is the same on every machine and run.
/// </summary>
public sealed class LexnameTask
{
    /// <summary>Training examples by default: 12,000 (10,800 after Model Factory's own 10% held-out split), about
    /// 1,000 LoRA steps of batch 32 in three epochs: a few minutes of training on two CPU cores with the built-in
    /// model (its 1,350-example held-out accuracy check inside the run costs about as much again).</summary>
    public const int DefaultTrainCount = 12000;

    private LexnameTask(int heldOutPerMille, int candidates, int heldOutSynsets, IReadOnlyList<LexnameExample> train, IReadOnlyList<LexnameExample> test)
    {
        HeldOutPerMille = heldOutPerMille;
        TrainCandidates = candidates;
        HeldOutSynsets = heldOutSynsets;
        Train = train;
        Test = test;
    }

    /// <summary>The base model's held-out share in per-mille (the manifest's <c>corpus.heldOutPerMille</c>).</summary>
    public int HeldOutPerMille { get; }

    /// <summary>Synsets the training set was sampled from (every synset the base model was trained on).</summary>
    public int TrainCandidates { get; }

    /// <summary>Synsets the base model never saw (the test set is these, or a deterministic sample when capped).</summary>
    public int HeldOutSynsets { get; }

    /// <summary>The training sample, in sample order (ascending <see cref="SampleKey"/>).</summary>
    public IReadOnlyList<LexnameExample> Train { get; }

    /// <summary>The test set, in sample order (ascending <see cref="SampleKey"/>).</summary>
    public IReadOnlyList<LexnameExample> Test { get; }

    /// <summary>The distinct labels of the training set, ordinal order.</summary>
    public IReadOnlyList<string> TrainLabels => Train.Select(e => e.Example.Output).Distinct(StringComparer.Ordinal)
        .OrderBy(l => l, StringComparer.Ordinal).ToList();

    /// <summary>Builds the task over <paramref name="corpus"/> with the split of the base model whose manifest says
    /// <paramref name="heldOutPerMille"/> and <paramref name="maxSynsets"/>.</summary>
    /// <param name="trainCount">training examples to sample from the base model's training synsets</param>
    /// <param name="testCap">at most this many test examples (a deterministic sample); null: every held-out synset</param>
    public static LexnameTask Build(WordNetCorpus corpus, int heldOutPerMille, int? maxSynsets, int trainCount = DefaultTrainCount, int? testCap = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);
        if (testCap is < 1) throw new ArgumentOutOfRangeException(nameof(testCap), testCap, "the test cap must be at least 1");
        var (baseTrain, baseHeldOut) = BaseModelRecipe.Split(corpus, maxSynsets, heldOutPerMille);
        if (baseHeldOut.Count == 0) throw new ArgumentException($"no synset is held out at {heldOutPerMille} per mille: there is nothing to test on");
        var train = Sample(baseTrain, trainCount);
        var test = Sample(baseHeldOut, testCap ?? int.MaxValue);
        return new LexnameTask(heldOutPerMille, baseTrain.Count, baseHeldOut.Count, train, test);
    }

    /// <summary>For the built-in (or any recipe's) base model: its manifest's split.</summary>
    public static LexnameTask Build(WordNetCorpus corpus, BaseModelManifest manifest, int trainCount = DefaultTrainCount, int? testCap = null) =>
        Build(corpus, manifest.Corpus.HeldOutPerMille, manifest.Corpus.MaxSynsets, trainCount, testCap);

    /// <summary>The text a classifier is given: the synset's words and its definition, <c>dog, domestic dog, Canis
    /// familiaris: a member of the genus Canis ...</c>. Usage examples are left out: the built-in model's context is
    /// 64 tokens and a text-label prompt that does not fit loses its beginning, which is where the words (the most
    /// telling part) are; definitions alone already average ~15 words. The form is the start of the line the base
    /// model was trained on (<see cref="Synset.ToText"/>), so the base model reads familiar text. The category itself
    /// appears nowhere in it.</summary>
    public static string Input(Synset synset) => $"{string.Join(", ", synset.Words)}: {synset.Definition}";

    public static LexnameExample ExampleOf(Synset synset) => new(synset, new TaskExample(Input(synset), synset.Category));

    /// <summary>The order samples are taken in: FNV-1a-64 of <c>lexname/{synset id}</c> (salted, so it is not the
    /// base model's split hash) through SplitMix64's finalizer (so every bit is well mixed); ties (none in WordNet)
    /// by id.</summary>
    public static ulong SampleKey(Synset synset)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes("lexname/" + synset.Id)) hash = (hash ^ b) * 0x100000001B3UL;
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }

    private static List<LexnameExample> Sample(IReadOnlyList<Synset> synsets, int count) =>
        synsets.OrderBy(SampleKey).ThenBy(s => s.Id, StringComparer.Ordinal).Take(count).Select(ExampleOf).ToList();
}
