using OpenLedger.Core.Transactions;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Tokenizer;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ML.Attribution.Inference;

/// <summary>The row a served inference is scored on is the training row of the same example (prompt-completion and
/// text-label), or the user's text continued by the served output (text); a cut answer is refused.</summary>
public sealed class ServedRowTests
{
    private static readonly Lazy<BpeTokenizer> Tokenizer =
        new(() => BpeTokenizer.Load(Path.Combine(TestBaseModel.Directory, BaseModelRecipe.TokenizerFile)));

    private const int Context = 64;

    [Theory]
    [InlineData(TaskKind.TextLabel, "hammer: a hand tool with a heavy head", "noun.artifact")]
    [InlineData(TaskKind.PromptCompletion, "define hammer", "a hand tool with a heavy rigid head")]
    public void A_prompt_completion_or_label_inference_is_scored_on_its_training_row(TaskKind task, string input, string output)
    {
        var row = ServedRow.For(task, Tokenizer.Value, input, output, Context, out var problem)!.Value;
        Assert.Null(problem);
        var (tokens, firstTarget) = TaskPrompt.Row(task, Tokenizer.Value, new TaskExample(input, output), Context + 1);
        Assert.Equal(tokens, row.Tokens);
        Assert.Equal(firstTarget, row.FirstTarget);
        Assert.Equal(TaskPrompt.Answer(task, Tokenizer.Value, output), row.Tokens[row.FirstTarget..]);
    }

    [Fact]
    public void A_text_inference_scores_only_the_continuation_and_an_empty_prompt_is_the_training_row()
    {
        var t = Tokenizer.Value;
        var row = ServedRow.For(TaskKind.Text, t, "a hammer is", " a hand tool", Context, out _)!.Value;
        Assert.Equal(t.Encode("a hammer is"), row.Tokens[..row.FirstTarget]);
        Assert.Equal([.. t.Encode(" a hand tool"), t.EndOfTextId], row.Tokens[row.FirstTarget..]);

        var whole = ServedRow.For(TaskKind.Text, t, "", "a hammer is a hand tool", Context, out _)!.Value;
        var (tokens, first) = TaskPrompt.Row(TaskKind.Text, t, new TaskExample("", "a hammer is a hand tool"), Context + 1);
        Assert.Equal(tokens, whole.Tokens);
        Assert.Equal(first, whole.FirstTarget);
    }

    [Fact]
    public void A_long_prompt_loses_its_start_and_an_answer_that_does_not_fit_or_is_empty_is_refused()
    {
        var t = Tokenizer.Value;
        var longInput = string.Join(" ", Enumerable.Repeat("hammer", 200));
        var row = ServedRow.For(TaskKind.TextLabel, t, longInput, "noun.artifact", Context, out _)!.Value;
        Assert.Equal(Context + 1, row.Tokens.Length);
        Assert.Equal(TaskPrompt.Answer(TaskKind.TextLabel, t, "noun.artifact"), row.Tokens[row.FirstTarget..]);

        foreach (var task in new[] { TaskKind.Text, TaskKind.PromptCompletion, TaskKind.TextLabel })
        {
            Assert.Null(ServedRow.For(task, t, "x", longInput, Context, out var problem));
            Assert.Contains("context", problem);
            Assert.Null(ServedRow.For(task, t, "x", " ", Context, out problem));
            Assert.Contains("empty", problem);
        }
    }
}
