using System.Diagnostics;
using OpenLedger.ML.Attribution.Spans;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.Tokenizer;

namespace OpenLedger.Benchmarks.ML.Spans;

/// <summary>
/// Span evidence (infini-gram style): builds a <see cref="SpanIndex"/> over the real WordNet corpus (every synset's
/// training text, tokenized by the built-in BPE, one document per synset) and over a synthetic corpus (Zipf-distributed
/// tokens over the same 2,048-id vocabulary in 50-350-token documents, one contribution each with a 66-character
/// chain-style id), then times <see cref="SpanIndex.FindSpans"/> on 64-token outputs that quote pieces of the corpus
/// (4-24 tokens from random documents) between tokens drawn from the corpus's unigram distribution, as a model output
/// that partly repeats its training data would. Reference in the same run: counting an 8-token n-gram by a
/// vectorized scan of the tokens against the suffix array's two binary searches.
/// </summary>
public static class SpanIndexBenchmark
{
    private const double BytesPerTokenTarget = 8.0;
    private const int ScanQueries = 50;

    public static Task<int> RunAsync(CommandLine line)
    {
        if (line.Flag("help")) return Task.FromResult(PrintUsage());
        var syntheticTokens = line.Int("tokens", 10_000_000, min: 1000);
        var queries = line.Int("queries", 2000, min: 10);
        var outputLength = line.Int("output", 64, min: 1);
        var minLength = line.Int("min-length", SpanQueryOptions.DefaultMinLength, min: 1);
        var seed = line.Int("seed", 1);
        line.ThrowOnUnread();

        Console.WriteLine("# Span index benchmark (suffix array over contribution tokens)");
        Console.WriteLine();
        Console.WriteLine(MachineInfo.Describe(0) + " (torch not used)");
        Console.WriteLine($"queries: {queries} outputs of {outputLength} tokens per corpus, spans >= {minLength} tokens, at most " +
                          $"{SpanQueryOptions.DefaultMaxOccurrences} occurrences listed per span; seed {seed}");
        Console.WriteLine();
        var cpu = new CpuShare();

        var tokenizer = BpeTokenizer.Load(Path.Combine(BaseModelRecipe.BuiltinDirectory, BaseModelRecipe.TokenizerFile));
        var clock = Stopwatch.StartNew();
        var wordNet = WordNetCorpus.Load(WordNetCorpus.DefaultDirectory).Synsets
            .Select(s => new CorpusDocument(s.Id, tokenizer.Encode(s.ToText())))
            .ToArray();
        var wordNetTokenize = clock.Elapsed.TotalSeconds;
        var synthetic = Synthetic(syntheticTokens, tokenizer.VocabSize, new Random(seed));

        var build = new Table("corpus", "documents", "tokens", "tokenize s", "build s", "M tokens/s", "artifact MB", "bytes/token",
            "target", "write s", "load s");
        var query = new Table("corpus", "outputs", "spans/output", "mean span", "longest", "p50 ms", "p99 ms", "max ms",
            "8-gram count p50: SA us", "scan us");
        Measure("WordNet (built-in BPE)", wordNet, wordNetTokenize);
        Measure("synthetic Zipf", synthetic, double.NaN);
        build.Print();
        query.Print();
        Console.WriteLine($"{cpu.Others()} during the run; total {clock.Elapsed.TotalSeconds:F0} s");
        return Task.FromResult(0);

        void Measure(string name, CorpusDocument[] documents, double tokenizeSeconds)
        {
            GC.Collect();
            var watch = Stopwatch.StartNew();
            var index = SpanIndex.Build(TokenCorpus.Create(documents, tokenizer.VocabSize));
            var buildSeconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var bytes = index.ToBytes();
            var writeSeconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var loaded = SpanIndex.Load(bytes);
            var loadSeconds = watch.Elapsed.TotalSeconds;
            var bytesPerToken = bytes.Length / (double)index.TokenCount;
            build.Add(name, index.DocumentCount.ToString("N0"), index.TokenCount.ToString("N0"),
                double.IsNaN(tokenizeSeconds) ? "-" : tokenizeSeconds.ToString("F1"), buildSeconds.ToString("F2"),
                (index.TokenCount / buildSeconds / 1e6).ToString("F1"), (bytes.Length / 1e6).ToString("F1"), bytesPerToken.ToString("F2"),
                bytesPerToken <= BytesPerTokenTarget ? "<= 8: met" : "<= 8: MISSED", writeSeconds.ToString("F2"), loadSeconds.ToString("F2"));

            var random = new Random(seed + 1);
            var options = new SpanQueryOptions { MinLength = minLength };
            var outputs = Enumerable.Range(0, queries + 100).Select(_ => Output(random, documents, outputLength)).ToArray();
            var latencies = new List<double>(queries);
            long spanCount = 0, spanTokens = 0;
            var longest = 0;
            for (var q = 0; q < outputs.Length; q++)
            {
                watch.Restart();
                var spans = loaded.FindSpans(outputs[q], options);
                var elapsed = watch.Elapsed.TotalMilliseconds;
                if (q < 100) continue; // warm-up: JIT and first touches of the arrays
                latencies.Add(elapsed);
                spanCount += spans.Count;
                spanTokens += spans.Sum(s => s.Length);
                longest = Math.Max(longest, spans.Count == 0 ? 0 : spans.Max(s => s.Length));
            }
            var sorted = Percentiles.Sorted(latencies);
            var (saMicros, scanMicros) = CountAgainstScan(loaded, documents, outputs);
            query.Add(name, queries, (spanCount / (double)queries).ToString("F2"), spanCount == 0 ? "-" : (spanTokens / (double)spanCount).ToString("F1"),
                longest, Percentiles.Of(sorted, 50).ToString("F3"), Percentiles.Of(sorted, 99).ToString("F3"), sorted[^1].ToString("F3"),
                saMicros.ToString("F1"), scanMicros.ToString("F0"));
        }
    }

    /// <summary>Median microseconds to count each output's first 8 tokens through the index and by scanning every
    /// token (with separators, as 16-bit ids) with a vectorized search; the two counts must agree. Medians, because on
    /// a shared machine one descheduled call would dominate a mean of fifty.</summary>
    private static (double SuffixArray, double Scan) CountAgainstScan(SpanIndex index, CorpusDocument[] documents, int[][] outputs)
    {
        var text = documents.SelectMany(d => d.Tokens.Select(t => (ushort)t).Append((ushort)index.VocabSize)).ToArray();
        List<double> saTimes = [], scanTimes = [];
        var watch = new Stopwatch();
        for (var q = 0; q < ScanQueries; q++)
        {
            var pattern = outputs[q].AsSpan(0, Math.Min(8, outputs[q].Length));
            watch.Restart();
            var indexed = index.Count(pattern);
            saTimes.Add(watch.Elapsed.TotalMicroseconds);
            var narrow = pattern.ToArray().Select(t => (ushort)t).ToArray();
            watch.Restart();
            var scanned = 0;
            ReadOnlySpan<ushort> rest = text;
            for (var at = rest.IndexOf(narrow); at >= 0; at = rest.IndexOf(narrow))
            {
                scanned++;
                rest = rest[(at + 1)..];
            }
            scanTimes.Add(watch.Elapsed.TotalMicroseconds);
            if (scanned != indexed) throw new InvalidOperationException($"the index counts {indexed} occurrences and the scan {scanned}");
        }
        return (Percentiles.Of(Percentiles.Sorted(saTimes), 50), Percentiles.Of(Percentiles.Sorted(scanTimes), 50));
    }

    /// <summary>Documents of 50-350 tokens drawn from a Zipf(1) law over the vocabulary (ranks shuffled onto ids),
    /// about <paramref name="tokens"/> in all.</summary>
    private static CorpusDocument[] Synthetic(int tokens, int vocabSize, Random random)
    {
        var ids = Enumerable.Range(0, vocabSize - 1).ToArray(); // the last id is <|endoftext|>
        random.Shuffle(ids);
        var cumulative = new double[ids.Length];
        double sum = 0;
        for (var r = 0; r < ids.Length; r++) cumulative[r] = sum += 1.0 / (r + 1);
        var documents = new List<CorpusDocument>();
        var made = 0;
        while (made < tokens)
        {
            var document = new int[Math.Min(random.Next(50, 351), tokens - made)];
            for (var i = 0; i < document.Length; i++)
            {
                var rank = Array.BinarySearch(cumulative, random.NextDouble() * sum);
                document[i] = ids[rank >= 0 ? rank : Math.Min(~rank, ids.Length - 1)];
            }
            documents.Add(new CorpusDocument($"0x{documents.Count:x64}", document));
            made += document.Length;
        }
        return [.. documents];
    }

    /// <summary>An output that quotes 4-24-token pieces of random documents between 1-4 tokens drawn from the corpus's
    /// unigram distribution (the token at a random place in a random document).</summary>
    private static int[] Output(Random random, CorpusDocument[] documents, int length)
    {
        var output = new List<int>(length + 24);
        while (output.Count < length)
        {
            var source = documents[random.Next(documents.Length)].Tokens;
            if (source.Length == 0) continue;
            if (random.Next(2) == 0)
            {
                var start = random.Next(source.Length);
                output.AddRange(source.Skip(start).Take(random.Next(4, 25)));
            }
            else
            {
                for (var k = random.Next(1, 5); k > 0; k--)
                {
                    var other = documents[random.Next(documents.Length)].Tokens;
                    if (other.Length > 0) output.Add(other[random.Next(other.Length)]);
                }
            }
        }
        return [.. output.Take(length)];
    }

    private static int PrintUsage()
    {
        Console.WriteLine("""
            span-index               span evidence: a suffix array over WordNet (built-in BPE) and over a synthetic
                                     corpus; build time, artifact bytes per token, FindSpans latency on outputs
              --tokens N               synthetic corpus size in tokens (default 10,000,000)
              --queries N              outputs timed per corpus, after 100 warm-up ones (default 2000)
              --output N               tokens per output (default 64)
              --min-length N           shortest reported span (default 4)
              --seed N                 seed of the synthetic corpus and the outputs (default 1)
            """);
        return 0;
    }
}
