using OpenLedger.Core.Transactions;
using OpenLedger.ML.Model;
using OpenLedger.ML.Tokenizer;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.FineTuning;

/// <summary>Reads a text-label model as a classifier: for a text, every candidate label is scored by the model's
/// log-probability of <c> {label}&lt;|endoftext|&gt;</c> after the text's prompt, and the best scoring label is the
/// prediction. This is how accuracy is measured for base and fine-tuned models alike, so the two are compared on the
/// same footing (greedy generation could produce a string that is no label at all). A label's score is the sum of
/// those log-probabilities or, length-normalised, their mean (<see cref="LabelScoring"/>).</summary>
public sealed class LabelClassifier
{
    private readonly ITextTokenizer _tokenizer;
    private readonly IReadOnlyList<string> _labels;
    private readonly int[][] _answers;
    private readonly bool _sharedPrompt;

    /// <param name="sharedPrompt">score with the prompt run once and shared by every label (<see cref="Score"/>, several
    /// times faster: evaluations) rather than one full row per label (the default: what Model Factory's training records
    /// have always measured with; the two agree up to float rounding, which can flip a near tie, and a record must
    /// reproduce bit for bit)</param>
    public LabelClassifier(ITextTokenizer tokenizer, IEnumerable<string> labels, LabelScoring scoring = LabelScoring.Sum, bool sharedPrompt = false)
    {
        _sharedPrompt = sharedPrompt;
        _tokenizer = tokenizer;
        Scoring = scoring;
        _labels = labels.Distinct(StringComparer.Ordinal).OrderBy(l => l, StringComparer.Ordinal).ToList();
        if (_labels.Count == 0) throw new ArgumentException("no labels to choose from");
        _answers = _labels.Select(l => TaskPrompt.Answer(TaskKind.TextLabel, tokenizer, l)).ToArray();
    }

    public IReadOnlyList<string> Labels => _labels;

    /// <summary>How <see cref="Predict(Gpt2Model, IReadOnlyList{string}, int)"/> and <see cref="Accuracy"/> score labels.</summary>
    public LabelScoring Scoring { get; }

    /// <summary>The predicted label of each text.</summary>
    public IReadOnlyList<string> Predict(Gpt2Model model, IReadOnlyList<string> texts, int rowsPerBatch = 64) =>
        PredictEach(model, texts, rowsPerBatch)[Scoring];

    /// <summary>The predicted label of each text under each scoring, from one pass over the model.</summary>
    public IReadOnlyDictionary<LabelScoring, IReadOnlyList<string>> PredictEach(Gpt2Model model, IReadOnlyList<string> texts, int rowsPerBatch = 64)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        var context = model.Config.ContextLength;
        var maxAnswer = _answers.Max(a => a.Length);
        var sums = new List<string>(texts.Count);
        var means = new List<string>(texts.Count);
        foreach (var text in texts)
        {
            var prompt = TaskPrompt.FitPrompt(TaskPrompt.Prompt(TaskKind.TextLabel, _tokenizer, text), maxAnswer, context + 1);
            var scores = _sharedPrompt ? Score(model, prompt) : ScoreRows(model, prompt, rowsPerBatch);
            sums.Add(_labels[Best(scores, i => scores[i])]);
            means.Add(_labels[Best(scores, i => scores[i] / _answers[i].Length)]);
        }
        return new Dictionary<LabelScoring, IReadOnlyList<string>> { [LabelScoring.Sum] = sums, [LabelScoring.Mean] = means };
    }

    private double[] ScoreRows(Gpt2Model model, int[] prompt, int rowsPerBatch)
    {
        var scores = new double[_labels.Count];
        for (var first = 0; first < _labels.Count; first += rowsPerBatch)
            ScoreRows(model, prompt, first, Math.Min(rowsPerBatch, _labels.Count - first), scores);
        return scores;
    }

    /// <summary>Each label's summed log p(answer token) after <paramref name="prompt"/>. The prompt runs through the model
    /// once; its keys and values are then shared by one row per label, which feeds its answer a token at a time (a
    /// label is a few tokens, the prompt tens: ~7x less work than one full row per label).</summary>
    private double[] Score(Gpt2Model model, int[] prompt)
    {
        using var scope = torch.NewDisposeScope();
        var count = _labels.Count;
        var maxAnswer = _answers.Max(a => a.Length);
        var (hidden, cache) = model.Prefill(torch.tensor(prompt.Select(t => (long)t).ToArray(), [1, prompt.Length]), [prompt.Length],
            capacity: prompt.Length + maxAnswer - 1);
        using (cache)
        {
            cache.Keep(Enumerable.Repeat(0, count).ToList());
            var scores = new double[count];
            // The first answer token is predicted from the prompt's last position, the same for every label.
            var first = LogProbabilities(model, hidden).data<double>().ToArray();
            for (var i = 0; i < count; i++) scores[i] = first[_answers[i][0]];
            for (var j = 0; j + 1 < maxAnswer; j++)
            {
                // Row i feeds its answer's token j (a finished label repeats its last token; its scores are not read).
                var feed = _answers.Select(a => (long)a[Math.Min(j, a.Length - 1)]).ToArray();
                var next = LogProbabilities(model, model.Step(torch.tensor(feed, [count, 1]), cache));
                var wanted = torch.tensor(_answers.Select(a => (long)a[Math.Min(j + 1, a.Length - 1)]).ToArray(), [count, 1]);
                var picked = next.gather(1, wanted).data<double>().ToArray();
                for (var i = 0; i < count; i++)
                    if (j + 1 < _answers[i].Length) scores[i] += picked[i];
            }
            return scores;
        }
    }

    /// <summary>Log-softmax over the vocabulary of the head's logits for final hidden states [rows, d], in float64.</summary>
    private static Tensor LogProbabilities(Gpt2Model model, Tensor hidden) =>
        nn.functional.log_softmax(nn.functional.linear(hidden, model.TokenEmbedding).to(ScalarType.Float64), -1);

    private static int Best(double[] scores, Func<int, double> score)
    {
        var best = 0;
        for (var i = 1; i < scores.Length; i++) if (score(i) > score(best)) best = i;
        return best;
    }

    /// <summary>The share of <paramref name="examples"/> whose label is predicted.</summary>
    public double Accuracy(Gpt2Model model, IReadOnlyList<TaskExample> examples)
    {
        if (examples.Count == 0) return double.NaN;
        var predicted = Predict(model, examples.Select(e => e.Input).ToList());
        return (double)examples.Where((e, i) => e.Output == predicted[i]).Count() / examples.Count;
    }

    /// <summary>The full-row scoring (every record written so far used it): sum of log p(answer token) for labels [first, first + count), one row each: prompt + answer, inputs
    /// all but the last token.</summary>
    private void ScoreRows(Gpt2Model model, int[] prompt, int first, int count, double[] scores)
    {
        using var scope = torch.NewDisposeScope();
        var width = prompt.Length + _answers.Skip(first).Take(count).Max(a => a.Length) - 1;
        var ids = new long[count * width];
        for (var r = 0; r < count; r++)
        {
            var row = prompt.Concat(_answers[first + r]).ToArray();
            for (var i = 0; i < width; i++) ids[r * width + i] = i < row.Length - 1 ? row[i] : 0;
        }
        // Target of position i is row[i + 1]; only the answer's positions count.
        var targets = new long[count * width];
        var counted = new double[count * width];
        for (var r = 0; r < count; r++)
        {
            var answer = _answers[first + r];
            for (var j = 0; j < answer.Length; j++)
            {
                var at = r * width + prompt.Length - 1 + j;
                targets[at] = answer[j];
                counted[at] = 1;
            }
        }
        var logProbs = nn.functional.log_softmax(model.call(torch.tensor(ids, [count, width])).to(ScalarType.Float64), -1);
        var picked = logProbs.gather(2, torch.tensor(targets, [count, width, 1])).squeeze(2);
        var sums = (picked * torch.tensor(counted, [count, width], dtype: ScalarType.Float64)).sum(1).data<double>().ToArray();
        for (var r = 0; r < count; r++) scores[first + r] = sums[r];
    }
}
