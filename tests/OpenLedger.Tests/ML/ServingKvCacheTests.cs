using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;
using TorchSharp;

namespace OpenLedger.Tests.ML;

/// <summary>The KV-cached, continuously batched decoder generates token for token what the reference decoder (the
/// whole sequences recomputed every step, a batch run to completion) generates: over many prompts, adapters, prompt
/// lengths and token counts, with requests joining a running batch as others leave it, up to the context length.</summary>
public class ServingKvCacheTests
{
    private static readonly Gpt2Config Tiny = ServingTestAdapter.Tiny;

    static ServingKvCacheTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Ten adapters (ranks 4-8, different targets) and <paramref name="count"/> requests: prompts of 1 to 12
    /// tokens, 0 to the context's room new tokens (a third of them filling the context exactly), an adapter or the
    /// base alone.</summary>
    private static (List<ServingTestAdapter> Adapters, List<GenerationRequest> Requests) Workload(int count, int seed)
    {
        var configs = ServingTestAdapter.Mix.Concat([new LoraConfig(8, 8, LoraConfig.AllProjections), new LoraConfig(4, 12, ["mlp.c_fc"]),
            new LoraConfig(6, 12, LoraConfig.AllProjections), new LoraConfig(5, 5, ["attn.c_attn", "attn.c_proj"])]);
        var adapters = configs.Select((config, i) => new ServingTestAdapter(config, seed: 140 + i)).ToList();
        var random = new Random(seed);
        var requests = Enumerable.Range(0, count).Select(i =>
        {
            var prompt = Enumerable.Range(0, random.Next(1, 13)).Select(_ => (long)random.Next(Tiny.VocabSize)).ToList();
            var room = Tiny.ContextLength - prompt.Count;
            var newTokens = i % 3 == 0 ? room : random.Next(0, room + 1);
            var adapter = random.Next(adapters.Count + 1) is var a && a < adapters.Count ? adapters[a].Id : (Hash32?)null;
            return new GenerationRequest(adapter, prompt, newTokens);
        }).ToList();
        return (adapters, requests);
    }

    private static async Task<GenerationResult[]> Serve(List<ServingTestAdapter> adapters, List<GenerationRequest> requests, ServingOptions options,
        int submittedBeforeStart)
    {
        using var model = new Gpt2Model(Tiny, ServingTestAdapter.BaseSeed);
        using var serving = new MultiAdapterModel(model);
        using var cache = new AdapterCache(1 << 24, ServingTestAdapter.Loader(adapters));
        await using var engine = new LoraServingEngine(serving, cache, options, start: false);
        var results = new List<Task<GenerationResult>>();
        foreach (var request in requests.Take(submittedBeforeStart)) results.Add(engine.GenerateAsync(request));
        engine.Start();
        // The rest arrive while the engine decodes: they join the running batch as rows leave it.
        foreach (var request in requests.Skip(submittedBeforeStart))
        {
            results.Add(engine.GenerateAsync(request));
            await Task.Yield();
        }
        return await Task.WhenAll(results);
    }

    private static void AssertSameTokens(List<GenerationRequest> requests, GenerationResult[] expected, GenerationResult[] actual)
    {
        for (var i = 0; i < requests.Count; i++)
            Assert.True(expected[i].Tokens.SequenceEqual(actual[i].Tokens),
                $"request {i} (prompt {requests[i].Prompt.Count} tokens, {requests[i].MaxNewTokens} new): " +
                $"reference [{string.Join(", ", expected[i].Tokens)}], cached [{string.Join(", ", actual[i].Tokens)}]");
    }

    [Theory]
    [InlineData(ServingMode.Heterogeneous, 3)]
    [InlineData(ServingMode.Heterogeneous, 8)]
    [InlineData(ServingMode.Heterogeneous, 64)]
    [InlineData(ServingMode.OneAdapterPerBatch, 4)]
    [InlineData(ServingMode.MergePerRequest, 4)]
    public async Task The_cached_decoder_generates_the_reference_tokens(ServingMode mode, int maxBatch)
    {
        var (adapters, requests) = Workload(count: 90, seed: 21 + maxBatch);
        var reference = await Serve(adapters, requests, new ServingOptions(maxBatch, mode, Decoder: ServingDecoder.Recompute), requests.Count);
        // Half queued before the start (the first batch full), half arriving while it runs.
        var cached = await Serve(adapters, requests, new ServingOptions(maxBatch, mode), requests.Count / 2);

        AssertSameTokens(requests, reference, cached);
        Assert.All(requests.Zip(cached), p => Assert.Equal(p.First.MaxNewTokens, p.Second.Tokens.Count));
        Assert.True(cached.All(r => r.BatchSize <= maxBatch));
        foreach (var adapter in adapters) adapter.Dispose();
    }

    [Fact]
    public async Task Requests_join_a_running_batch_as_others_leave_it()
    {
        // Three rows at most and token counts from 1 to 12: every row that leaves early makes room for a waiting
        // request, which is prefilled and decodes beside rows already halfway through theirs.
        var (adapters, requests) = Workload(count: 24, seed: 5);
        var random = new Random(6);
        requests = requests.Select(r => r with { MaxNewTokens = Math.Min(random.Next(1, 13), Tiny.ContextLength - r.Prompt.Count) }).ToList();
        var reference = await Serve(adapters, requests, new ServingOptions(3, Decoder: ServingDecoder.Recompute), requests.Count);
        var cached = await Serve(adapters, requests, new ServingOptions(3), requests.Count);

        AssertSameTokens(requests, reference, cached);
        // Joined mid-batch: admitted while two rows were still decoding, and finished after the first batch's longest.
        var firstBatchEnd = cached.Take(3).Max(r => r.Waited + r.Ran);
        Assert.Contains(cached.Skip(3), r => r.BatchSize == 3 && r.Waited < firstBatchEnd);
        foreach (var adapter in adapters) adapter.Dispose();
    }

    [Fact]
    public async Task A_stop_token_ends_a_sequence_where_the_reference_would_have_generated_it()
    {
        var (adapters, requests) = Workload(count: 40, seed: 9);
        requests = requests.Select(r => r with { MaxNewTokens = Tiny.ContextLength - r.Prompt.Count }).ToList();
        var full = await Serve(adapters, requests, new ServingOptions(8, Decoder: ServingDecoder.Recompute), requests.Count);
        // The token generated most often after the first: many sequences stop early, at different steps.
        var stop = full.SelectMany(r => r.Tokens.Skip(1)).GroupBy(t => t).MaxBy(g => g.Count())!.Key;
        var reference = await Serve(adapters, requests, new ServingOptions(8, Decoder: ServingDecoder.Recompute, StopToken: stop), requests.Count);
        var cached = await Serve(adapters, requests, new ServingOptions(8, StopToken: stop), requests.Count);

        AssertSameTokens(requests, reference, cached);
        for (var i = 0; i < requests.Count; i++)
        {
            var until = full[i].Tokens.TakeWhile(t => t != stop).Count();
            Assert.Equal(full[i].Tokens.Take(Math.Min(until + 1, full[i].Tokens.Count)), cached[i].Tokens);
        }
        Assert.Contains(cached, r => r.Tokens.Count > 1 && r.Tokens[^1] == stop);
        foreach (var adapter in adapters) adapter.Dispose();
    }

    [Fact]
    public void Prefill_then_steps_give_the_logits_of_the_whole_sequence()
    {
        // A wider model with the context of the built-in base (64), right-padded prompts of different lengths.
        var config = new Gpt2Config(VocabSize: 96, ContextLength: 64, ModelDim: 48, Layers: 3, Heads: 4, Dropout: 0);
        using var model = new Gpt2Model(config, seed: 3);
        model.eval();
        using var noGrad = torch.no_grad();
        var random = new Random(4);
        var sequences = new[] { 5, 17, 1, 30 }.Select(n => Enumerable.Range(0, n).Select(_ => (long)random.Next(config.VocabSize)).ToList()).ToList();
        var time = sequences.Max(s => s.Count);
        var padded = sequences.SelectMany(s => s.Concat(Enumerable.Repeat(0L, time - s.Count))).ToArray();
        using var scope = torch.NewDisposeScope();
        var (hidden, cache) = model.Prefill(torch.tensor(padded, [sequences.Count, time]), sequences.Select(s => (long)s.Count).ToList());
        using (cache)
        {
            var rows = Enumerable.Range(0, sequences.Count).ToList();
            var steps = 0;
            while (true)
            {
                // Each row's state must be the full forward's at its last position.
                for (var j = 0; j < rows.Count; j++)
                {
                    var sequence = sequences[rows[j]];
                    var full = model.HiddenStates(torch.tensor(sequence.ToArray(), [1, sequence.Count]))[0, sequence.Count - 1];
                    Assert.True(full.allclose(hidden[j], rtol: 1e-4, atol: 1e-5), $"row {rows[j]} at length {sequence.Count}");
                }
                if (++steps > 40) break;
                // Rows leave at different steps (the shortest first), the others keep their caches.
                var leaving = rows.Where(r => sequences[r].Count >= 24 + 4 * r).ToList();
                if (leaving.Count > 0)
                {
                    var kept = Enumerable.Range(0, rows.Count).Where(j => !leaving.Contains(rows[j])).ToList();
                    cache.Keep(kept);
                    rows = kept.Select(j => rows[j]).ToList();
                    if (rows.Count == 0) break;
                }
                var next = rows.Select(_ => (long)random.Next(config.VocabSize)).ToArray();
                for (var j = 0; j < rows.Count; j++) sequences[rows[j]].Add(next[j]);
                hidden = model.Step(torch.tensor(next, [rows.Count, 1]), cache);
                Assert.Equal(rows.Select(r => (long)sequences[r].Count), cache.Lengths);
            }
        }
        Assert.Throws<ArgumentException>(() => model.Step(torch.tensor(new long[] { 1 }, [1, 1]), new KvCache()));
    }

    [Fact]
    public void A_cache_with_less_room_decodes_the_same_widens_when_a_roomier_one_joins_and_refuses_to_overflow()
    {
        var config = new Gpt2Config(VocabSize: 96, ContextLength: 64, ModelDim: 48, Layers: 3, Heads: 4, Dropout: 0);
        using var model = new Gpt2Model(config, seed: 5);
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var random = new Random(6);
        var sequences = new[] { 3, 9, 6, 12 }.Select(n => Enumerable.Range(0, n).Select(_ => (long)random.Next(config.VocabSize)).ToList()).ToList();
        (torch.Tensor Hidden, KvCache Cache) Prefill(IReadOnlyList<List<long>> group, long? room)
        {
            var time = group.Max(s => s.Count);
            var padded = group.SelectMany(s => s.Concat(Enumerable.Repeat(0L, time - s.Count))).ToArray();
            return model.Prefill(torch.tensor(padded, [group.Count, time]), group.Select(s => (long)s.Count).ToList(), room);
        }
        void AssertWhole(torch.Tensor hidden, IReadOnlyList<List<long>> rows)
        {
            for (var j = 0; j < rows.Count; j++)
            {
                var full = model.HiddenStates(torch.tensor(rows[j].ToArray(), [1, rows[j].Count]))[0, rows[j].Count - 1];
                Assert.True(full.allclose(hidden[j], rtol: 1e-4, atol: 1e-5), $"row {j} at length {rows[j].Count}");
            }
        }
        torch.Tensor Step(KvCache cache, IReadOnlyList<List<long>> rows)
        {
            var next = rows.Select(_ => (long)random.Next(config.VocabSize)).ToArray();
            for (var j = 0; j < rows.Count; j++) rows[j].Add(next[j]);
            return model.Step(torch.tensor(next, [rows.Count, 1]), cache);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Prefill(sequences.Take(2).ToList(), 8)); // less than the prompts
        Assert.Throws<ArgumentOutOfRangeException>(() => Prefill(sequences.Take(2).ToList(), 65)); // more than the context
        var first = sequences.Take(2).ToList();
        var (hidden, cache) = Prefill(first, 12);
        using (cache)
        {
            Assert.Equal(12, cache.Capacity);
            AssertWhole(hidden, first);
            AssertWhole(Step(cache, first), first);
            var second = sequences.Skip(2).ToList();
            var (joiningHidden, joining) = Prefill(second, 16);
            AssertWhole(joiningHidden, second);
            cache.Append(joining);
            Assert.Equal(16, cache.Capacity);
            var all = first.Concat(second).ToList();
            while (cache.Lengths.Max() < 16) AssertWhole(Step(cache, all), all);
            Assert.Equal(all.Select(s => (long)s.Count), cache.Lengths);
            var overflow = Assert.Throws<ArgumentException>(() => model.Step(torch.tensor(new long[] { 1, 1, 1, 1 }, [4, 1]), cache));
            Assert.Contains("room, 16 positions", overflow.Message);
        }
    }
}
