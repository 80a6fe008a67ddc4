using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.Serving;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Grains.Hosting;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;
using OpenLedger.ML.Tokenizer;

namespace OpenLedger.ML.Grains.Serving;

/// <summary>
/// OpenLoRA on one silo: the one base model in memory, the adapter cache (loading artifacts just in time from the
/// node's content store, by the hash registered on chain, checked against the base model and quarantined when they do
/// not fit it) and the batching engine. A singleton of the ML silo's
/// services, started on first use; grains on the silo share it.
/// </summary>
public sealed class OpenLoraHost(MlOptions options, INodeContent content) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Started? _started;
    private readonly ConcurrentDictionary<Hash32, (long Served, double TotalMs)> _served = new();
    private long _servedCount;
    private long _failedCount;

    private sealed record Started(LoadedBaseModel Base, MultiAdapterModel Model, AdapterCache Cache, LoraServingEngine Engine, string Name);

    public MlOptions Options => options;

    /// <summary>The base model's on-chain name (<see cref="FineTuneRun.BaseModelName"/>).</summary>
    public string BaseModelName => Start().Name;

    public ITextTokenizer Tokenizer => Start().Base.Tokenizer;

    public AdapterCache Cache => Start().Cache;

    private Started Start()
    {
        lock (_gate)
        {
            if (_started is not null) return _started;
            TorchRuntime.EnsureLoaded();
            var loaded = BaseModelRecipe.Load(options.BaseModelPath);
            var model = new MultiAdapterModel(loaded.Model);
            var cache = new AdapterCache(options.AdapterBudgetBytes, async (id, ct) =>
                await content.GetAsync(id, ct) ?? throw new AdapterNotFoundException(id), AdapterValidator.For(model));
            var eot = loaded.Tokenizer.EndOfTextId;
            var engine = new LoraServingEngine(model, cache, new ServingOptions(options.MaxBatchSize, ServingMode.Heterogeneous, eot));
            return _started = new Started(loaded, model, cache, engine, FineTuneRun.BaseModelName(loaded.Manifest));
        }
    }

    /// <summary>Generates the answer of the model (base + <paramref name="adapter"/>) to <paramref name="input"/>,
    /// prompted in the task's format, greedily, up to <see cref="MlOptions.MaxNewTokens"/> tokens or its end-of-text.</summary>
    public async Task<ServedOutput> GenerateAsync(Hash32 adapter, TaskKind task, string input, CancellationToken cancellationToken = default)
    {
        var started = Start();
        var clock = Stopwatch.StartNew();
        var context = started.Model.Model.Config.ContextLength;
        var maxNew = Math.Min(options.MaxNewTokens, context - 1);
        var prompt = TaskPrompt.FitPrompt(TaskPrompt.Prompt(task, started.Base.Tokenizer, input), maxNew, context);
        try
        {
            var result = await started.Engine.GenerateAsync(new GenerationRequest(adapter, prompt.Select(t => (long)t).ToList(), maxNew), cancellationToken);
            var text = TaskPrompt.DecodeAnswer(started.Base.Tokenizer, result.Tokens, task);
            var bytes = Encoding.UTF8.GetBytes(text);
            var ms = clock.Elapsed.TotalMilliseconds;
            _served.AddOrUpdate(adapter, (1, ms), (_, s) => (s.Served + 1, s.TotalMs + ms));
            Interlocked.Increment(ref _servedCount);
            return new ServedOutput(text, Keccak256.Hash(bytes), prompt.Length, result.Tokens.Count, ms);
        }
        catch
        {
            Interlocked.Increment(ref _failedCount);
            throw;
        }
    }

    public ServingStatus Status(string silo)
    {
        var started = Start();
        return new ServingStatus(silo, started.Name, started.Cache.BudgetBytes, started.Cache.UsedBytes,
            started.Cache.AllMetrics().Count(m => m.State is AdapterState.Resident or AdapterState.Pinned),
            Interlocked.Read(ref _servedCount), Interlocked.Read(ref _failedCount), options.ServingKey?.Address.ToString());
    }

    /// <summary>Why OpenLoRA refuses <paramref name="adapter"/> (quarantined), or null when it does not.</summary>
    public string? QuarantineReason(Hash32 adapter) => Cache.QuarantineReason(adapter);

    public AdapterView? View(Hash32 adapter, string silo) => Cache.Metrics(adapter) is { } m ? ToView(m, silo) : null;

    public IReadOnlyList<AdapterView> Views(string silo) => Cache.AllMetrics().Select(m => ToView(m, silo)).ToList();

    private AdapterView ToView(AdapterMetrics m, string silo)
    {
        var (served, totalMs) = _served.TryGetValue(m.Id, out var s) ? s : (0, 0);
        return new AdapterView(m.Id, m.State.ToString().ToLowerInvariant(), m.Requests, m.Loads, Math.Round(m.LastLoadMilliseconds, 3), m.Bytes,
            m.InUse, silo, served > 0 ? Math.Round(totalMs / served, 3) : 0, served, m.QuarantineReason);
    }

    public async ValueTask DisposeAsync()
    {
        Started? started;
        lock (_gate) (started, _started) = (_started, null);
        if (started is null) return;
        await started.Engine.DisposeAsync();
        started.Cache.Dispose();
        started.Model.Dispose();
        started.Base.Dispose();
    }
}

/// <summary>An adapter hash that names no content in the node's store.</summary>
public sealed class AdapterNotFoundException(Hash32 id) : Exception($"adapter {id} is not in the content store");
