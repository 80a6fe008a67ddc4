namespace OpenLedger.ML.Tokenizer;

/// <summary>What the engine needs of a tokenizer to train and serve over a base model: text to ids and back, the
/// vocabulary size (the model's embedding rows) and the end-of-text id that closes every document and answer.
/// <see cref="BpeTokenizer"/> (the built-in model's, trained on WordNet) and <see cref="R50kTokenizer"/> (GPT-2's)
/// implement it.</summary>
public interface ITextTokenizer
{
    /// <summary>The tokenizer's kind as a base-model manifest names it: <see cref="BpeTokenizer.KindName"/> or
    /// <see cref="R50kTokenizer.KindName"/>.</summary>
    string Kind { get; }

    int VocabSize { get; }

    /// <summary>The id of <c>&lt;|endoftext|&gt;</c>.</summary>
    int EndOfTextId { get; }

    /// <summary>Token ids for <paramref name="text"/>. Special-token text in it (a contributor's
    /// "&lt;|endoftext|&gt;") is encoded as ordinary text, never as the special token.</summary>
    int[] Encode(string text);

    /// <summary>The text of <paramref name="ids"/> (special tokens as their text).</summary>
    string Decode(IEnumerable<int> ids);
}
