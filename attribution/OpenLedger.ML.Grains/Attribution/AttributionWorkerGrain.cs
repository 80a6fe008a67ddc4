using Microsoft.Extensions.Logging;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains;
using OpenLedger.Grains.Attribution;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.Grains.Hosting;
using OpenLedger.ML.Grains.Serving;

namespace OpenLedger.ML.Grains.Attribution;

/// <summary>
/// Attributes served inferences. Every poll it reads the inferences served since the last poll from chain state
/// (<see cref="IMarketQueryGrain"/>, a cursor over the served ones: chain state, not a stream, is the source of truth),
/// loads what each was served with from the content store (the model version's adapter and training record, the
/// influence and span indexes the record names, the input and the output), attributes it on the ML silo's attribution
/// thread (<see cref="AttributionHost"/>), stores the record in the content store and publishes the result on the
/// "attribution" stream, where the settlement grain turns it into a SettleAttribution transaction.
/// <para>Streams may lose messages and transactions may be dropped: every <see cref="MlOptions.Resettle"/> the cursor starts
/// over, so an inference still served (published but not settled, served out of order, or failed and due again) is found
/// again and attributed again, to the same record bytes. The chain settles an inference once; the settlement grain drops
/// results of inferences already settled. After <see cref="MaxPublishes"/> publications without a settlement it is
/// recorded as a failure (NotSettled).</para>
/// <para>A failure (a stable code: the attributor's, such as IndexMissing or NoPositiveInfluence, or the worker's, see
/// <see cref="AttributionWorkerFailureCode"/>) publishes nothing, so there is never a partial settlement; it is logged
/// once per inference and code, kept for <see cref="GetFailureAsync"/> (the last <see cref="MaxFailures"/>), and tried
/// again only after <see cref="MlOptions.RetryFailed"/>. The chain's deadline rule resolves an inference nobody settles.</para>
/// </summary>
public sealed class AttributionWorkerGrain(AttributionHost host, INodeContent content, MlOptions options, ILogger<AttributionWorkerGrain> logger)
    : Grain, IAttributionWorkerGrain
{
    private const int Page = 128;
    /// <summary>Failures kept for queries; the oldest go first.</summary>
    public const int MaxFailures = 4_096;
    /// <summary>Publications of one inference's result without a settlement before it counts as a failure.</summary>
    public const int MaxPublishes = 3;

    // Published and not yet seen settled: when to attribute again if still served, and how many times it was published.
    private readonly Dictionary<Hash32, (DateTime RetryAt, int Publishes)> _published = [];
    // In the order they first failed, so the oldest is dropped first.
    private readonly OrderedDictionary<Hash32, (AttributionFailureView View, DateTime RetryAt)> _failures = [];
    // Models on another base model than this silo's: their inferences are left to other silos (logged once per model).
    private readonly HashSet<Hash32> _otherBase = [];
    private int? _cursor;
    private DateTime _nextFullScan;
    private long _attributed;
    private long _failed;
    private double _attributionMs;
    private string? _lastError;

    private IMarketQueryGrain Market => GrainFactory.GetGrain<IMarketQueryGrain>(0);

    /// <summary>Any activation polls (a call after a deactivation starts it again, not only the silo's start), starting
    /// with a full scan: what the last activation knew is found again in chain state.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (options.AttributionKey is not null)
            this.RegisterGrainTimer(PollAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.Poll) { KeepAlive = true, Interleave = false });
        return base.OnActivateAsync(cancellationToken);
    }

    public Task WakeAsync() => Task.CompletedTask;

    public Task<AttributionWorkerStatus> GetStatusAsync() =>
        Task.FromResult(new AttributionWorkerStatus(options.AttributionKey?.Address.ToString(), _attributed, _failed, _published.Count, _failures.Count,
            _lastError, _attributed == 0 ? 0 : Math.Round(_attributionMs / _attributed, 3)));

    public Task<AttributionFailureView?> GetFailureAsync(Hash32 inference) =>
        Task.FromResult(_failures.TryGetValue(inference, out var f) ? f.View : null);

    public async Task<AttributionResult?> RecomputeAsync(Hash32 inference)
    {
        if ((await Market.GetObjectAsync(inference))?.Object is not InferenceRequest { Status: InferenceStatus.Served or InferenceStatus.Settled } request)
            return null;
        var chain = await GrainFactory.GetGrain<IChainGrain>(0).GetInfoAsync();
        return await AttributeAsync(request, chain.MaxAttributions, CancellationToken.None);
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        HashSet<Hash32>? served = null;
        if (now >= _nextFullScan)
        {
            _cursor = null;
            _nextFullScan = now + options.Resettle;
            served = [];
        }
        var due = new List<InferenceRequest>();
        // Market objects are appended to the state tree, so a later inference has a higher index; one served out of
        // order (behind the cursor) waits for the next full scan.
        while (true)
        {
            var page = await Market.QueryObjectsAsync(new MarketObjectQuery(MarketObjectKind.Inference, Status: (int)InferenceStatus.Served, AfterIndex: _cursor, Limit: Page));
            foreach (var o in page)
            {
                if (o.Object is not InferenceRequest inference) continue;
                served?.Add(inference.Id);
                if (IsDue(inference, now)) due.Add(inference);
            }
            if (page.Count > 0) _cursor = page[^1].Index;
            if (page.Count < Page) break;
        }
        // A full scan saw every served inference: the published ones it did not see are settled (or expired).
        if (served is not null)
            foreach (var id in _published.Keys.Where(id => !served.Contains(id)).ToList())
                _published.Remove(id);
        if (due.Count == 0) return;

        var maxAttributions = (await GrainFactory.GetGrain<IChainGrain>(0).GetInfoAsync()).MaxAttributions;
        var stream = this.GetStreamProvider(MarketStreams.ProviderName)
            .GetStream<AttributionResult>(MarketStreams.AttributionStream(GrainKeys.Of(options.AttributionKey!.Address)));
        foreach (var inference in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await AttributeAsync(inference, maxAttributions, cancellationToken) is not { } result) continue;
            await stream.OnNextAsync(result);
            _attributed++;
            var publishes = _published.TryGetValue(inference.Id, out var p) ? p.Publishes + 1 : 1;
            _published[inference.Id] = (DateTime.UtcNow + options.Resettle, publishes);
        }
    }

    private bool IsDue(InferenceRequest inference, DateTime now)
    {
        if (_otherBase.Contains(inference.Model)) return false;
        if (_failures.TryGetValue(inference.Id, out var f) && f.RetryAt > now) return false;
        if (!_published.TryGetValue(inference.Id, out var p)) return true;
        if (p.RetryAt > now) return false;
        if (p.Publishes < MaxPublishes) return true;
        _published.Remove(inference.Id);
        Fail(inference.Id, AttributionWorkerFailureCode.NotSettled,
            $"its result was published {p.Publishes} times and it is still not settled on chain (see the settlement grain's last error)");
        return false;
    }

    /// <summary>Attributes one inference and stores its record; null when it failed (recorded) or is left to other silos.</summary>
    private async Task<AttributionResult?> AttributeAsync(InferenceRequest inference, int maxAttributions, CancellationToken cancellationToken)
    {
        try
        {
            if ((await Market.GetObjectAsync(inference.Model))?.Object is not OpenLedger.Core.Market.Model model)
                return Fail(inference.Id, AttributionWorkerFailureCode.ModelMissing, $"model {inference.Model} is not in chain state");
            if (model.BaseModel != host.BaseModelName)
            {
                if (_otherBase.Add(model.Id))
                    logger.LogInformation("model {Model} is on base '{Base}', this silo attributes over '{Own}': its inferences are left to other silos or to expire",
                        model.Id, model.BaseModel, host.BaseModelName);
                return null;
            }
            if (model.Versions.FirstOrDefault(v => v.Number == inference.ModelVersion) is not { } version)
                return Fail(inference.Id, AttributionWorkerFailureCode.ModelMissing, $"model {model.Id} has no version {inference.ModelVersion}");
            if (await TextAsync(inference.Input, cancellationToken) is not { } input)
                return Fail(inference.Id, AttributionWorkerFailureCode.InputMissing, $"input {inference.Input} is not UTF-8 text in the content store");
            if (await TextAsync(inference.Output, cancellationToken) is not { } output)
                return Fail(inference.Id, AttributionWorkerFailureCode.OutputMissing, $"output {inference.Output} is not UTF-8 text in the content store");

            // What the training record names; when it names nothing readable the attributor says why (NoTrainingRecord...).
            var record = version.TrainingRecord == Hash32.Zero ? null : await content.GetAsync(version.TrainingRecord, cancellationToken);
            var refs = AttributionArtifactRefs.From(record, out _);
            var inputs = new AttributionInputs(inference.Id, model.Id, version.Number,
                version.Adapter, await content.GetAsync(version.Adapter, cancellationToken),
                version.TrainingRecord, record,
                refs is null ? null : await content.GetAsync(refs.InfluenceIndexHash, cancellationToken),
                refs is null ? null : await content.GetAsync(refs.SpanIndexHash, cancellationToken),
                await ModelTask.OfAsync(Market, version), input, output, maxAttributions);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var outcome = await host.AttributeAsync(inputs);
            _attributionMs += clock.Elapsed.TotalMilliseconds;
            if (outcome.Failure is { } failure) return Fail(inference.Id, failure.Code, failure.Message);

            var stored = await content.PutAsync(outcome.RecordBytes!, cancellationToken);
            if (stored != outcome.RecordHash) throw new InvalidOperationException($"the stored record's hash {stored} is not the record's {outcome.RecordHash}");
            _failures.Remove(inference.Id);
            return new AttributionResult(inference.Id, stored, outcome.Contributions, outcome.Weights);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Fail(inference.Id, AttributionFailureCode.Internal, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task<string?> TextAsync(Hash32 hash, CancellationToken cancellationToken)
    {
        if (await content.GetAsync(hash, cancellationToken) is not { } bytes) return null;
        try { return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (System.Text.DecoderFallbackException) { return null; }
    }

    private AttributionResult? Fail(Hash32 inference, string code, string message)
    {
        var now = DateTime.UtcNow;
        _failed++;
        _lastError = $"inference {inference}: {code}: {message}";
        if (_failures.TryGetValue(inference, out var before))
        {
            if (before.View.Code != code) logger.LogWarning("inference {Inference} not attributed: {Code}: {Message}", inference, code, message);
            _failures[inference] = (new AttributionFailureView(inference, code, message, now, before.View.Attempts + 1), now + options.RetryFailed);
            return null;
        }
        logger.LogWarning("inference {Inference} not attributed: {Code}: {Message} (left to the chain's deadline rule; tried again in {Retry})",
            inference, code, message, options.RetryFailed);
        _failures[inference] = (new AttributionFailureView(inference, code, message, now, 1), now + options.RetryFailed);
        if (_failures.Count > MaxFailures) _failures.RemoveAt(0);
        return null;
    }
}
