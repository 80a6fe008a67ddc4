namespace OpenLedger.ML.Attribution;

/// <summary>One sequence the engine takes a gradient of: prompt and answer tokens, and the index of the first token
/// that is a target (the answer's first token; everything before it is context only). The loss is the answer's
/// negative log-likelihood given the prompt, summed over its tokens: for a training example what training lowered,
/// for a served inference the output the user paid for. <see cref="FineTuning.TaskPrompt.Row"/> makes these.</summary>
public readonly record struct AttributionRow(int[] Tokens, int FirstTarget)
{
    /// <summary>The tokens the model reads (all but the last).</summary>
    public int InputLength => Tokens.Length - 1;

    internal void Validate(int contextLength, int vocabSize)
    {
        if (Tokens is null || Tokens.Length < 2)
            throw new AttributionException(AttributionException.BadRow, "a row needs at least two tokens (an input and a target)");
        if (FirstTarget < 1 || FirstTarget >= Tokens.Length)
            throw new AttributionException(AttributionException.BadRow, $"first target {FirstTarget} is outside [1, {Tokens.Length - 1}]");
        if (InputLength > contextLength)
            throw new AttributionException(AttributionException.BadRow, $"{InputLength} input tokens exceed the context length {contextLength}");
        foreach (var token in Tokens)
            if (token < 0 || token >= vocabSize)
                throw new AttributionException(AttributionException.BadRow, $"token {token} is outside the vocabulary [0, {vocabSize})");
    }
}
