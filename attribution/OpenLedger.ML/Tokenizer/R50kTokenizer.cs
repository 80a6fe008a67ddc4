using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Tokenizer;

/// <summary>GPT-2's tokenizer (OpenAI's <c>r50k_base</c> encoding: byte-level BPE, 50,256 merges and bytes plus
/// <c>&lt;|endoftext|&gt;</c> = 50256), the one every Hugging Face GPT-2 checkpoint was trained with. Built on
/// Microsoft.ML.Tokenizers' <see cref="TiktokenTokenizer"/> from the vocabulary embedded in the
/// Microsoft.ML.Tokenizers.Data.R50kBase package, so it needs no download. Unlike
/// <c>TiktokenTokenizer.CreateForEncoding("r50k_base")</c>, text is never split at special tokens: a contributor's
/// "&lt;|endoftext|&gt;" is ordinary text, as with <see cref="BpeTokenizer"/>.</summary>
public sealed class R50kTokenizer : ITextTokenizer
{
    public const string KindName = "r50k_base";
    public const int EndOfText = 50256;
    public const int Vocabulary = 50257;
    private const string DataAssembly = "Microsoft.ML.Tokenizers.Data.R50kBase";
    private const string DataResource = "r50k_base.tiktoken.deflate";

    private static readonly Lazy<R50kTokenizer> Shared = new(() => new R50kTokenizer(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly TiktokenTokenizer _tokenizer;

    private R50kTokenizer()
    {
        var vocabulary = ReadVocabulary();
        DataKeccak = Keccak256.Hash(vocabulary).ToString();
        var specials = new Dictionary<string, int>(StringComparer.Ordinal) { [BpeTokenizer.EndOfText] = EndOfText };
        // The pre-tokenizer is given no special tokens, so it never cuts them out of the text (encoding cannot produce
        // 50256); the tokenizer knows the special token, so decoding 50256 gives its text.
        var preTokenizer = new RegexPreTokenizer(new Regex(PreTokenizer.Gpt2Pattern, RegexOptions.Compiled), specialTokens: null);
        using var stream = new MemoryStream(vocabulary, writable: false);
        _tokenizer = TiktokenTokenizer.Create(stream, preTokenizer, normalizer: null, specials);
    }

    /// <summary>The one instance (the vocabulary takes a moment to load and is immutable).</summary>
    public static R50kTokenizer Instance => Shared.Value;

    /// <summary>Keccak-256 of the r50k_base vocabulary (the <c>.tiktoken</c> text): what a base-model manifest records as
    /// its tokenizer's hash, and checks on load.</summary>
    public string DataKeccak { get; }

    public string Kind => KindName;

    public int VocabSize => Vocabulary;

    public int EndOfTextId => EndOfText;

    public int[] Encode(string text) => text.Length == 0 ? [] : [.. _tokenizer.EncodeToIds(text, considerPreTokenization: true, considerNormalization: false)];

    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids);

    private static byte[] ReadVocabulary()
    {
        var assembly = Assembly.Load(DataAssembly);
        using var compressed = assembly.GetManifestResourceStream(DataResource)
                               ?? throw new InvalidOperationException($"{DataAssembly} has no resource {DataResource}");
        using var inflate = new DeflateStream(compressed, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        inflate.CopyTo(buffer);
        return buffer.ToArray();
    }
}
