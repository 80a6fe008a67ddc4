using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenLedger.ML.Tokenizer;

/// <summary>A byte-level BPE tokenizer: the 256 byte values are ids 0-255, merge i (of two existing ids) makes id
/// 256 + i, and the special tokens follow. Because every byte is a token, any text and any byte string encodes
/// without an "unknown" token and decodes back exactly.</summary>
public sealed class BpeTokenizer : ITextTokenizer
{
    public const string EndOfText = "<|endoftext|>";
    /// <summary>This tokenizer's kind in a base-model manifest (saved as <c>tokenizer.json</c>).</summary>
    public const string KindName = "bpe";
    private const string Format = "openledger-byte-bpe-1";
    private const int MaxCachedChunks = 200_000;

    private readonly (int Left, int Right)[] _merges;
    private readonly Dictionary<(int Left, int Right), int> _mergedId;
    private readonly byte[][] _tokenBytes;
    private readonly string[] _specialTokens;
    private readonly Dictionary<string, int> _specialIds;
    private readonly Regex? _specialSplit;
    private readonly ConcurrentDictionary<string, int[]> _chunkCache = new(StringComparer.Ordinal);

    public BpeTokenizer(IReadOnlyList<(int Left, int Right)> merges, IReadOnlyList<string> specialTokens)
    {
        _merges = [.. merges];
        _mergedId = new Dictionary<(int, int), int>(_merges.Length);
        _tokenBytes = new byte[256 + _merges.Length][];
        for (var b = 0; b < 256; b++) _tokenBytes[b] = [(byte)b];
        for (var i = 0; i < _merges.Length; i++)
        {
            var (left, right) = _merges[i];
            var id = 256 + i;
            if (left < 0 || right < 0 || left >= id || right >= id)
                throw new ArgumentException($"merge {i} ({left}, {right}) refers to a token not defined before it");
            if (!_mergedId.TryAdd((left, right), id)) throw new ArgumentException($"merge {i} ({left}, {right}) is repeated");
            _tokenBytes[id] = [.. _tokenBytes[left], .. _tokenBytes[right]];
        }
        _specialTokens = [.. specialTokens];
        _specialIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in _specialTokens)
        {
            if (string.IsNullOrEmpty(token)) throw new ArgumentException("a special token cannot be empty");
            if (!_specialIds.TryAdd(token, 256 + _merges.Length + _specialIds.Count))
                throw new ArgumentException($"special token {token} is repeated");
        }
        // Longest first, so that "<|a|>" cannot shadow "<|a|>b|>" when both are special.
        _specialSplit = _specialTokens.Length == 0 ? null : new Regex(
            string.Join("|", _specialTokens.OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).Select(Regex.Escape)),
            RegexOptions.CultureInvariant);
    }

    public int VocabSize => 256 + _merges.Length + _specialTokens.Length;

    public string Kind => KindName;

    /// <summary>The id of <see cref="EndOfText"/> (throws if this tokenizer has no such special token).</summary>
    public int EndOfTextId => SpecialTokenId(EndOfText);

    int[] ITextTokenizer.Encode(string text) => Encode(text);

    public IReadOnlyList<(int Left, int Right)> Merges => _merges;

    public IReadOnlyList<string> SpecialTokens => _specialTokens;

    public int SpecialTokenId(string token) =>
        _specialIds.TryGetValue(token, out var id) ? id : throw new KeyNotFoundException($"'{token}' is not a special token");

    /// <summary>The bytes a token stands for (a special token's are its UTF-8 text).</summary>
    public byte[] TokenBytes(int id)
    {
        if (id >= 0 && id < _tokenBytes.Length) return _tokenBytes[id];
        var special = id - _tokenBytes.Length;
        if (special >= 0 && special < _specialTokens.Length) return Encoding.UTF8.GetBytes(_specialTokens[special]);
        throw new ArgumentOutOfRangeException(nameof(id), id, $"not a token id (vocabulary of {VocabSize})");
    }

    /// <summary>Token ids for <paramref name="text"/>. Special-token text is encoded as ordinary bytes unless
    /// <paramref name="allowSpecialTokens"/> is set: a contributor's data that happens to contain
    /// "&lt;|endoftext|&gt;" must not be able to end a document early.</summary>
    public int[] Encode(string text, bool allowSpecialTokens = false)
    {
        var ids = new List<int>(text.Length / 3 + 1);
        if (!allowSpecialTokens || _specialSplit is null)
        {
            EncodeOrdinary(text, ids);
            return [.. ids];
        }
        var start = 0;
        foreach (Match special in _specialSplit.Matches(text))
        {
            EncodeOrdinary(text[start..special.Index], ids);
            ids.Add(_specialIds[special.Value]);
            start = special.Index + special.Length;
        }
        EncodeOrdinary(text[start..], ids);
        return [.. ids];
    }

    /// <summary>Token ids for arbitrary bytes: well-formed UTF-8 runs are encoded as text (so they compress as text
    /// does), every other byte as its own byte token. Never recognises special tokens.</summary>
    public int[] EncodeBytes(ReadOnlySpan<byte> bytes)
    {
        var ids = new List<int>(bytes.Length / 3 + 1);
        var runStart = 0;
        var position = 0;
        while (position < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[position..], out _, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                position += consumed;
                continue;
            }
            EncodeOrdinary(Encoding.UTF8.GetString(bytes[runStart..position]), ids);
            ids.Add(bytes[position]);
            position++;
            runStart = position;
        }
        EncodeOrdinary(Encoding.UTF8.GetString(bytes[runStart..position]), ids);
        return [.. ids];
    }

    public byte[] DecodeBytes(IEnumerable<int> ids)
    {
        var output = new List<byte>();
        foreach (var id in ids) output.AddRange(TokenBytes(id));
        return [.. output];
    }

    /// <summary>The text of <paramref name="ids"/>; a sequence cut inside a multi-byte character decodes to U+FFFD
    /// there (use <see cref="DecodeBytes"/> to keep the bytes).</summary>
    public string Decode(IEnumerable<int> ids) => Encoding.UTF8.GetString(DecodeBytes(ids));

    private void EncodeOrdinary(string text, List<int> ids)
    {
        if (text.Length == 0) return;
        foreach (var chunk in PreTokenizer.Split(text))
        {
            if (!_chunkCache.TryGetValue(chunk, out var chunkIds))
            {
                chunkIds = MergeChunk(Encoding.UTF8.GetBytes(chunk));
                if (_chunkCache.Count >= MaxCachedChunks) _chunkCache.Clear();
                _chunkCache[chunk] = chunkIds;
            }
            ids.AddRange(chunkIds);
        }
    }

    /// <summary>Classic BPE on one chunk: repeatedly apply the earliest-learned merge present among adjacent
    /// symbols, at every position where it occurs, until none applies. This reproduces the trainer's segmentation.</summary>
    private int[] MergeChunk(byte[] chunk)
    {
        var symbols = new List<int>(chunk.Length);
        foreach (var b in chunk) symbols.Add(b);
        while (symbols.Count > 1)
        {
            var best = int.MaxValue;
            for (var i = 0; i + 1 < symbols.Count; i++)
                if (_mergedId.TryGetValue((symbols[i], symbols[i + 1]), out var id) && id < best) best = id;
            if (best == int.MaxValue) break;
            var (left, right) = _merges[best - 256];
            var merged = new List<int>(symbols.Count);
            for (var i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && symbols[i] == left && symbols[i + 1] == right)
                {
                    merged.Add(best);
                    i++;
                }
                else merged.Add(symbols[i]);
            }
            symbols = merged;
        }
        return [.. symbols];
    }

    /// <summary>The tokenizer as JSON: the format, the pre-tokenizer pattern, the merges as [left, right] id pairs in
    /// order, and the special tokens in id order. Canonical (no whitespace), so equal tokenizers give equal bytes.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("pattern", PreTokenizer.Gpt2Pattern);
            json.WriteStartArray("merges");
            foreach (var (left, right) in _merges)
            {
                json.WriteStartArray();
                json.WriteNumberValue(left);
                json.WriteNumberValue(right);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteStartArray("special_tokens");
            foreach (var token in _specialTokens) json.WriteStringValue(token);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static BpeTokenizer FromJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var format = root.GetProperty("format").GetString();
        if (format != Format) throw new InvalidDataException($"not a {Format} tokenizer: format '{format}'");
        if (root.GetProperty("pattern").GetString() != PreTokenizer.Gpt2Pattern)
            throw new InvalidDataException("the tokenizer was trained with a different pre-tokenizer pattern");
        var merges = root.GetProperty("merges").EnumerateArray()
            .Select(m => (m[0].GetInt32(), m[1].GetInt32())).ToList();
        var specials = root.GetProperty("special_tokens").EnumerateArray().Select(s => s.GetString()!).ToList();
        return new BpeTokenizer(merges, specials);
    }

    public void Save(string path) => File.WriteAllText(path, ToJson());

    public static BpeTokenizer Load(string path) => FromJson(File.ReadAllText(path));
}
