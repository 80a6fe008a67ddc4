using OpenLedger.Core.Transactions;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Tokenizer;

namespace OpenLedger.ML.Attribution.Inference;

/// <summary>
/// The row a served inference is scored on, built like the training rows the index was built from
/// (<see cref="TaskPrompt"/>), so the query gradient and the index rows are gradients of the same kind of loss:
/// <list type="bullet">
/// <item>prompt-completion and text-label: <see cref="TaskPrompt.Row"/> of the example (input, output), exactly as
/// Model Factory built its training rows: <c>{input}\n=&gt;</c> / <c>{input}\ncategory:</c>, then <c> {output}</c> and
/// end-of-text; the targets are the output and the end-of-text (the model stopped there when it served it);</item>
/// <item>text: the input's tokens, then the output's and end-of-text, the targets from the output's first token on
/// (a text training row is one document, all targets; a served text row is the document the user started and the
/// model continued, and only the continuation was served). An empty input makes it the training row of the output alone.</item>
/// </list>
/// When the row is longer than the context plus one, the prompt loses its beginning (as in training); when the answer
/// alone does not fit with one prompt token before it, there is no row: a cut answer is not what was served.
/// </summary>
public static class ServedRow
{
    /// <summary>The row, or null with the reason it cannot be scored.</summary>
    public static AttributionRow? For(TaskKind task, ITextTokenizer tokenizer, string input, string output, int contextLength, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(output))
        {
            problem = "the served output is empty: there is no answer to attribute";
            return null;
        }
        var maxTokens = contextLength + 1;
        var answer = TaskPrompt.Answer(task, tokenizer, output);
        if (task == TaskKind.Text && tokenizer.Encode(input).Length == 0)
        {
            if (answer.Length > maxTokens)
            {
                problem = $"the output's {answer.Length} tokens do not fit the context of {contextLength}";
                return null;
            }
            var (textTokens, textFirst) = TaskPrompt.Row(task, tokenizer, new TaskExample("", output), maxTokens);
            return new AttributionRow(textTokens, textFirst);
        }
        if (answer.Length >= maxTokens)
        {
            problem = $"the output's {answer.Length} tokens (end-of-text included) leave no room for a prompt token in the context of {contextLength}";
            return null;
        }
        if (task != TaskKind.Text)
        {
            var (tokens, firstTarget) = TaskPrompt.Row(task, tokenizer, new TaskExample(input, output), maxTokens);
            return new AttributionRow(tokens, firstTarget);
        }
        var prompt = TaskPrompt.Prompt(task, tokenizer, input);
        var keep = Math.Min(prompt.Length, maxTokens - answer.Length);
        return new AttributionRow([.. prompt[^keep..], .. answer], keep);
    }
}
