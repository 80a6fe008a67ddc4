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

    public LabelClassifier(ITextTokenizer tokenizer, IEnumerable<string> labels, LabelScoring scoring = LabelScoring.Sum)
    {
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
            var scores = new double[_labels.Count];
            for (var first = 0; first < _labels.Count; first += rowsPerBatch)
            {
                var count = Math.Min(rowsPerBatch, _labels.Count - first);
                Score(model, prompt, first, count, scores);
            }
            sums.Add(_labels[Best(scores, i => scores[i])]);
            means.Add(_labels[Best(scores, i => scores[i] / _answers[i].Length)]);
        }
        return new Dictionary<LabelScoring, IReadOnlyList<string>> { [LabelScoring.Sum] = sums, [LabelScoring.Mean] = means };
    }

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

    /// <summary>Sum of log p(answer token) for labels [first, first + count), one row each: prompt + answer, inputs
    /// all but the last token.</summary>
    private void Score(Gpt2Model model, int[] prompt, int first, int count, double[] scores)
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
