using OpenLedger.Core.Transactions;
using OpenLedger.ML.Tokenizer;

namespace OpenLedger.ML.FineTuning;

/// <summary>How an example of each task kind becomes tokens, the same way for training (Model Factory) and serving
/// (OpenLoRA), so a served model is prompted exactly as it was trained:
/// <list type="bullet">
/// <item>text: the text, then end-of-text; every token is a target;</item>
/// <item>prompt-completion: <c>{prompt}\n=&gt;</c> then <c> {completion}</c> and end-of-text; only the completion is a target;</item>
/// <item>text-label: <c>{text}\ncategory:</c> then <c> {label}</c> and end-of-text; only the label is a target.</item>
/// </list>
/// When a row is longer than the context, the prompt loses its beginning: the answer always fits.</summary>
public static class TaskPrompt
{
    public const string CompletionCue = "\n=>";
    public const string LabelCue = "\ncategory:";

    /// <summary>The tokens a model is given for <paramref name="input"/> before it answers (text: the input itself,
    /// which the model continues).</summary>
    public static int[] Prompt(TaskKind task, ITextTokenizer tokenizer, string input) => task switch
    {
        TaskKind.Text => tokenizer.Encode(input),
        TaskKind.PromptCompletion => tokenizer.Encode(input + CompletionCue),
        TaskKind.TextLabel => tokenizer.Encode(input + LabelCue),
        _ => throw new ArgumentOutOfRangeException(nameof(task)),
    };

    /// <summary>The tokens of an answer, end-of-text included.</summary>
    public static int[] Answer(TaskKind task, ITextTokenizer tokenizer, string output)
    {
        var text = task == TaskKind.Text ? output : " " + output;
        return [.. tokenizer.Encode(text), tokenizer.EndOfTextId];
    }

    /// <summary>A training row: prompt then answer, cut to <paramref name="maxTokens"/> by dropping the prompt's
    /// start (a text example keeps its start instead), and the index of its first target.</summary>
    public static (int[] Tokens, int FirstTarget) Row(TaskKind task, ITextTokenizer tokenizer, TaskExample example, int maxTokens)
    {
        if (task == TaskKind.Text)
        {
            var all = Answer(task, tokenizer, example.Output);
            return (all.Length > maxTokens ? all[..maxTokens] : all, 1);
        }
        var prompt = Prompt(task, tokenizer, example.Input);
        var answer = Answer(task, tokenizer, example.Output);
        if (answer.Length >= maxTokens) answer = answer[..(maxTokens - 1)];
        var keep = Math.Min(prompt.Length, maxTokens - answer.Length);
        var row = new int[keep + answer.Length];
        Array.Copy(prompt, prompt.Length - keep, row, 0, keep);
        Array.Copy(answer, 0, row, keep, answer.Length);
        return (row, keep);
    }

    /// <summary>A prompt cut to leave room for <paramref name="newTokens"/> in a context of <paramref name="contextLength"/>.</summary>
    public static int[] FitPrompt(int[] prompt, int newTokens, int contextLength)
    {
        var keep = Math.Max(1, contextLength - newTokens);
        return prompt.Length > keep ? prompt[^keep..] : prompt;
    }

    /// <summary>Generated ids up to (not including) the first end-of-text, as text.</summary>
    public static string DecodeAnswer(ITextTokenizer tokenizer, IReadOnlyList<long> generated, TaskKind task)
    {
        var eot = tokenizer.EndOfTextId;
        var ids = generated.TakeWhile(t => t != eot).Select(t => (int)t);
        var text = tokenizer.Decode(ids);
        return task == TaskKind.Text ? text : text.Trim();
    }
}
