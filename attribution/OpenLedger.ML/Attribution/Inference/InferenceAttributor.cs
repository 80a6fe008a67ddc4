using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution.Records;
using OpenLedger.ML.Attribution.Spans;
using OpenLedger.ML.BaseModel;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;
using OpenLedger.ML.Tokenizer;
using TorchSharp;

namespace OpenLedger.ML.Attribution.Inference;

/// <summary>
/// Attributes one served inference from content-store bytes: checks every artifact against the hash that names it
/// (the training record against the model version's, the adapter and both indexes against the training record's),
/// builds the served row as training built its rows (<see cref="ServedRow"/>), takes the gradient of the served answer
/// through the adapter, scores it against the influence index, turns the scores into weights
/// (<see cref="AttributionWeights"/>), adds the output's maximal verbatim spans from the span index as evidence, and
/// returns the canonical record. Every problem is an <see cref="AttributionOutcome"/> with a stable
/// <see cref="AttributionFailureCode"/>: nothing here throws for bad bytes, and a failure never carries weights.
/// <para>Spans are evidence only: they carry no weight. Influence already measures what the training data did to the
/// answer; a verbatim match adds no money because short matches ("noun.artifact") are shared by hundreds of
/// contributions and long ones are already where the influence is.</para>
/// <para>Determinism: the gradient runs on ONE libtorch thread, set here for the call (libtorch's thread count belongs to
/// the calling thread), and the scan and weights are plain managed code; so the same inputs give the same record
/// bytes on every call, in every instance, on every machine with this build: what lets an auditor re-derive a record
/// exactly (<see cref="AttributionAudit"/>).</para>
/// <para>The model is the attributor's own: it installs LoRA layers on it (serving's <see cref="MultiAdapterModel"/>
/// must not share it). Adapters and indexes are cached by hash (a few of each, least recently used out), so repeated
/// inferences of one model neither re-parse a large index nor re-hash its bytes: an artifact in the cache was checked
/// against its hash when it was loaded. Calls are serialised (one model, one adapter installed at a time).</para>
/// </summary>
public sealed class InferenceAttributor : IDisposable
{
    /// <summary>Adapters, influence indexes and span indexes kept per kind.</summary>
    public const int DefaultCacheEntries = 4;

    private readonly Lock _gate = new();
    private readonly Gpt2Model _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly string? _baseWeightsKeccak;
    private readonly IDisposable? _owned;
    private readonly AdapterSlot _slot;
    private readonly LruCache<Hash32, ServedAdapter> _adapters;
    private readonly LruCache<Hash32, InfluenceIndex> _indexes;
    private readonly LruCache<Hash32, SpanIndex> _spanIndexes;
    private (Hash32 Adapter, Hash32 Index, InfluenceQuery Query)? _query;
    private bool _disposed;

    /// <param name="model">the base model, for this attributor alone (it installs LoRA layers on it)</param>
    /// <param name="baseWeightsKeccak">the base weights' keccak (<see cref="BaseModelManifest.Weights"/>): training
    /// records naming another base are refused; null skips the check</param>
    public InferenceAttributor(Gpt2Model model, ITextTokenizer tokenizer, string? baseWeightsKeccak = null, int cacheEntries = DefaultCacheEntries)
        : this(model, tokenizer, baseWeightsKeccak, cacheEntries, owned: null)
    {
    }

    private InferenceAttributor(Gpt2Model model, ITextTokenizer tokenizer, string? baseWeightsKeccak, int cacheEntries, IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheEntries, 1);
        TorchRuntime.EnsureLoaded();
        _model = model;
        _tokenizer = tokenizer;
        _baseWeightsKeccak = baseWeightsKeccak;
        _owned = owned;
        _slot = new AdapterSlot(model);
        _adapters = new(cacheEntries);
        _indexes = new(cacheEntries);
        _spanIndexes = new(cacheEntries);
    }

    /// <summary>An attributor over its own copy of the base model in <paramref name="baseModelDirectory"/> (the
    /// directory serving and Model Factory load), disposed with it.</summary>
    public static InferenceAttributor Open(string baseModelDirectory, int cacheEntries = DefaultCacheEntries)
    {
        var loaded = BaseModelRecipe.Load(baseModelDirectory);
        try
        {
            return new InferenceAttributor(loaded.Model, loaded.Tokenizer, loaded.Manifest.Weights.Keccak, cacheEntries, loaded);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    public ITextTokenizer Tokenizer => _tokenizer;

    /// <summary>The artifacts a training record names (what to fetch from the content store), or null and why not.</summary>
    public static AttributionArtifactRefs? ArtifactsOf(byte[]? trainingRecordBytes, out AttributionFailure? failure) =>
        AttributionArtifactRefs.From(trainingRecordBytes, out failure);

    /// <summary>Attributes one inference; never throws for bad inputs (see <see cref="AttributionFailureCode"/>).</summary>
    public AttributionOutcome Attribute(AttributionInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var computed = Compute(inputs);
        if (computed.Failure is { } failure) return AttributionOutcome.Failed(failure);
        try
        {
            return AttributionOutcome.Success(computed.Record!);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return AttributionOutcome.Failed(AttributionFailureCode.Internal, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The record and the raw recomputation it came from (every contribution's score, the span matches), for
    /// <see cref="AttributionAudit"/>; or the failure.</summary>
    internal Computation Compute(AttributionInputs inputs)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var threadsBefore = torch.get_num_threads();
            torch.set_num_threads(1);
            try
            {
                return ComputeOnOneThread(inputs);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Computation.Failed(AttributionFailureCode.Internal, $"{e.GetType().Name}: {e.Message}");
            }
            finally
            {
                torch.set_num_threads(threadsBefore);
            }
        }
    }

    private Computation ComputeOnOneThread(AttributionInputs inputs)
    {
        if (inputs.MaxAttributions < 1)
            return Computation.Failed(AttributionFailureCode.BadMaxAttributions, $"maxAttributions must be at least 1, got {inputs.MaxAttributions}");
        if (inputs.TrainingRecordHash == Hash32.Zero)
            return Computation.Failed(AttributionFailureCode.NoTrainingRecord, $"model {inputs.ModelId} version {inputs.ModelVersion} was registered without a training record");
        if (inputs.TrainingRecordBytes is null)
            return Computation.Failed(AttributionFailureCode.NoTrainingRecord, $"training record {inputs.TrainingRecordHash} is not in the content store");
        if (Keccak256.Hash(inputs.TrainingRecordBytes) is var recordHash && recordHash != inputs.TrainingRecordHash)
            return Computation.Failed(AttributionFailureCode.TrainingRecordHashMismatch, $"the training record bytes hash to {recordHash}, the model version names {inputs.TrainingRecordHash}");
        if (AttributionArtifactRefs.From(inputs.TrainingRecordBytes, out var refsFailure) is not { } refs)
            return Computation.Failed(refsFailure!);
        if (_baseWeightsKeccak is not null && !string.Equals(refs.BaseModelWeightsKeccak, _baseWeightsKeccak, StringComparison.OrdinalIgnoreCase))
            return Computation.Failed(AttributionFailureCode.BaseModelMismatch, $"the model was trained on base weights {refs.BaseModelWeightsKeccak}, this attributor holds {_baseWeightsKeccak}");
        if (refs.Task != FineTuneRun.TaskName(inputs.Task))
            return Computation.Failed(AttributionFailureCode.TaskMismatch, $"the training record's task is '{refs.Task}', the inference's '{FineTuneRun.TaskName(inputs.Task)}'");
        if (refs.AdapterHash != inputs.AdapterHash)
            return Computation.Failed(AttributionFailureCode.AdapterHashMismatch, $"the training record names adapter {refs.AdapterHash}, the model version {inputs.AdapterHash}");

        if (LoadIndex(refs.InfluenceIndexHash, inputs.InfluenceIndexBytes, out var indexFailure) is not { } index) return Computation.Failed(indexFailure!);
        if (LoadSpanIndex(refs.SpanIndexHash, inputs.SpanIndexBytes, out var spanFailure) is not { } spanIndex) return Computation.Failed(spanFailure!);
        if (LoadAdapter(inputs.AdapterHash, inputs.AdapterBytes, out var adapterFailure) is not { } adapter) return Computation.Failed(adapterFailure!);
        if (QueryFor(adapter, refs.InfluenceIndexHash, index, out var queryFailure) is not { } query) return Computation.Failed(queryFailure!);

        if (ServedRow.For(inputs.Task, _tokenizer, inputs.Input, inputs.Output, _model.Config.ContextLength, out var rowProblem) is not { } row)
            return Computation.Failed(AttributionFailureCode.OutputNotRescorable, rowProblem!);
        InfluenceAttribution attribution;
        try
        {
            attribution = query.Attribute(row, inputs.MaxAttributions);
        }
        catch (AttributionException e)
        {
            var code = e.Code switch
            {
                AttributionException.NonFiniteScore => AttributionFailureCode.NonFiniteScore,
                AttributionException.BadRow => AttributionFailureCode.OutputNotRescorable,
                _ => AttributionFailureCode.Internal,
            };
            return Computation.Failed(code, e.Message);
        }
        if (attribution.Contributions.Count == 0)
            return Computation.Failed(AttributionFailureCode.NoPositiveInfluence,
                $"none of the {index.Contributions.Count} contributions has a positive influence on this output: nobody is paid, the inference is left to expire and refund");

        var outputTokens = row.Tokens[row.FirstTarget..];
        var matches = MaximalSpans.Find(spanIndex, outputTokens, SpanQueryOptions.Default);
        var spans = matches.Select(m => SpanEvidence.From(m, _tokenizer.Decode(outputTokens[m.Start..(m.Start + m.Length)]))).ToList();
        var record = AttributionRecord.ForInfluence(index, refs.InfluenceIndexHash, inputs.MaxAttributions, attribution, inputs.ModelId,
            inputs.ModelVersion, inputs.AdapterHash, inputs.InferenceId, inputs.Input, inputs.Output, outputTokens.Length, spans);
        return new Computation(record, refs, [.. index.Contributions.Zip(attribution.ContributionScores)], matches, null);
    }

    private InfluenceIndex? LoadIndex(Hash32 hash, byte[]? bytes, out AttributionFailure? failure)
    {
        failure = null;
        if (_indexes.TryGet(hash, out var cached)) return cached;
        if (bytes is null)
        {
            failure = new(AttributionFailureCode.IndexMissing, $"influence index {hash} is not in the content store");
            return null;
        }
        if (Keccak256.Hash(bytes) is var actual && actual != hash)
        {
            failure = new(AttributionFailureCode.IndexHashMismatch, $"the influence index bytes hash to {actual}, the training record names {hash}");
            return null;
        }
        InfluenceIndex index;
        try
        {
            index = InfluenceIndex.FromBytes(bytes);
            foreach (var value in index.Rows)
                if (!float.IsFinite(value)) throw new AttributionException(AttributionException.CorruptIndex, "a row holds a NaN or infinite value");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = new(AttributionFailureCode.IndexCorrupt, $"influence index {hash}: {e.Message}");
            return null;
        }
        _indexes.Add(hash, index);
        return index;
    }

    private SpanIndex? LoadSpanIndex(Hash32 hash, byte[]? bytes, out AttributionFailure? failure)
    {
        failure = null;
        if (_spanIndexes.TryGet(hash, out var cached)) return cached;
        if (bytes is null)
        {
            failure = new(AttributionFailureCode.SpanIndexMissing, $"span index {hash} is not in the content store");
            return null;
        }
        if (Keccak256.Hash(bytes) is var actual && actual != hash)
        {
            failure = new(AttributionFailureCode.SpanIndexHashMismatch, $"the span index bytes hash to {actual}, the training record names {hash}");
            return null;
        }
        SpanIndex index;
        try
        {
            index = SpanIndex.Load(bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = new(AttributionFailureCode.SpanIndexCorrupt, $"span index {hash}: {e.Message}");
            return null;
        }
        _spanIndexes.Add(hash, index);
        return index;
    }

    private ServedAdapter? LoadAdapter(Hash32 hash, byte[]? bytes, out AttributionFailure? failure)
    {
        failure = null;
        if (_adapters.TryGet(hash, out var cached)) return cached;
        if (bytes is null)
        {
            failure = new(AttributionFailureCode.AdapterMissing, $"adapter {hash} is not in the content store");
            return null;
        }
        if (Keccak256.Hash(bytes) is var actual && actual != hash)
        {
            failure = new(AttributionFailureCode.AdapterHashMismatch, $"the adapter bytes hash to {actual}, the model version names {hash}");
            return null;
        }
        ServedAdapter adapter;
        try
        {
            adapter = ServedAdapter.Parse(hash, bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = new(AttributionFailureCode.AdapterCorrupt, $"adapter {hash}: {e.Message}");
            return null;
        }
        _adapters.Add(hash, adapter);
        return adapter;
    }

    /// <summary>The query over <paramref name="index"/> through <paramref name="adapter"/> installed on the model: the
    /// last one when both are the same (its projection matrices are kept), a new one otherwise.</summary>
    private InfluenceQuery? QueryFor(ServedAdapter adapter, Hash32 indexHash, InfluenceIndex index, out AttributionFailure? failure)
    {
        failure = null;
        if (_query is { } last && last.Adapter == adapter.Id && last.Index == indexHash && _slot.Loaded == adapter.Id) return last.Query;
        _query?.Query.Dispose();
        _query = null;
        try
        {
            _slot.Load(adapter);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or InvalidOperationException)
        {
            failure = new(AttributionFailureCode.AdapterCorrupt, $"adapter {adapter.Id} does not fit the base model: {e.Message}");
            return null;
        }
        try
        {
            var query = new InfluenceQuery(_model, _slot.Adapter, index);
            _query = (adapter.Id, indexHash, query);
            return query;
        }
        catch (AttributionException e)
        {
            failure = new(AttributionFailureCode.IndexAdapterMismatch, $"influence index {indexHash} does not fit adapter {adapter.Id}: {e.Message}");
            return null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _query?.Query.Dispose();
            _adapters.Dispose();
            _indexes.Dispose();
            _spanIndexes.Dispose();
            _owned?.Dispose();
        }
    }

    /// <summary>One attribution's record with what it was computed from, or the failure.</summary>
    internal sealed record Computation(
        AttributionRecord? Record, AttributionArtifactRefs? Artifacts, IReadOnlyList<(Hash32 Contribution, double Score)> Scores,
        IReadOnlyList<SpanMatch> Spans, AttributionFailure? Failure)
    {
        public static Computation Failed(AttributionFailure failure) => new(null, null, [], [], failure);

        public static Computation Failed(string code, string message) => Failed(new AttributionFailure(code, message));
    }
}
