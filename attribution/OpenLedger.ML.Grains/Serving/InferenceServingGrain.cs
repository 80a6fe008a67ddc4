using Microsoft.Extensions.Logging;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.Serving;
using OpenLedger.ML.Grains.Hosting;
using OpenLedger.ML.Serving;

namespace OpenLedger.ML.Grains.Serving;

/// <summary>
/// Answers paid inferences. Every poll it reads the requested inferences created since the last poll from chain state
/// (<see cref="IMarketQueryGrain"/>, not a stream: a missed stream message must not leave an inference unserved; a
/// cursor over the state tree's index keeps a poll proportional to what is new), plus those it posted or failed on whose wait is over, serves
/// them concurrently through
/// <see cref="OpenLoraHost"/> (so they share heterogeneous batches), stores each output text in the content store (<see cref="INodeContent"/>)
/// and posts all their results in one submission, signed by the node's serving-operator key with consecutive nonces.
/// Inferences of models on another base model are left to other silos; one it fails to serve (missing input, an adapter
/// not in the store) is retried a minute later. One whose adapter OpenLoRA refuses (InvalidAdapter: it is quarantined,
/// see <see cref="AdapterCache"/>) is not retried: it waits, at no cost per poll, for its deadline, when the chain
/// refunds it, or for an operator to clear the adapter; such an adapter is logged once, not per inference per poll.
/// Either way the chain refunds an unserved inference at its deadline.
/// </summary>
public sealed class InferenceServingGrain(OpenLoraHost host, INodeContent content, MlOptions options, ILogger<InferenceServingGrain> logger)
    : Grain, IInferenceServingGrain
{
    private const int Page = 128;
    // Posted but not yet committed: not served again until the block shows the result, or until this long has passed
    // (the transaction may have been dropped).
    private static readonly TimeSpan RepostAfter = TimeSpan.FromSeconds(30);

    // Inferences seen but not answered on chain yet, and when to look at them again: posted (waiting for the block) or
    // failed (to retry). Everything else is found through the cursor, so a poll costs the new inferences, not all open ones.
    private readonly Dictionary<Hash32, (DateTime RetryAt, bool Posted)> _waiting = [];
    // Models on another base model than this silo's: their inferences are left alone (and logged once per model).
    private readonly HashSet<Hash32> _otherBase = [];
    // Inferences whose adapter OpenLoRA refuses (quarantined), by adapter, with their deadline heights: not served while
    // it stays quarantined, dropped once past their deadline (the chain refunds them), served again if an operator
    // clears the adapter. An adapter stays here while quarantined, so it is logged once. Bounded by the adapters the
    // cache keeps quarantined and the inferences still open.
    private readonly Dictionary<Hash32, Dictionary<Hash32, long>> _refused = [];
    private int? _cursor;
    private IGrainTimer? _timer;
    private long _served;
    private long _failedCount;
    private string? _lastError;

    private IMarketQueryGrain Market => GrainFactory.GetGrain<IMarketQueryGrain>(0);
    private IChainGrain Chain => GrainFactory.GetGrain<IChainGrain>(0);

    public Task WakeAsync()
    {
        if (options.ServingKey is not null)
            _timer ??= this.RegisterGrainTimer(PollAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.Poll) { KeepAlive = true, Interleave = false });
        return Task.CompletedTask;
    }

    public Task<InferenceWorkerStatus> GetStatusAsync() =>
        Task.FromResult(new InferenceWorkerStatus(options.ServingKey?.Address.ToString(), _served, _failedCount, _waiting.Values.Count(w => w.Posted), _lastError,
            _refused.Values.Sum(r => r.Count)));

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var key = options.ServingKey!;
        var now = DateTime.UtcNow;
        if (_refused.Count > 0) await ReviewRefusedAsync(now);
        var due = new List<InferenceRequest>();
        // New requests: market objects are appended to the state tree, so a later inference has a higher index.
        while (true)
        {
            var page = await Market.QueryObjectsAsync(new MarketObjectQuery(MarketObjectKind.Inference, Status: (int)InferenceStatus.Requested, AfterIndex: _cursor, Limit: Page));
            foreach (var o in page)
                if (o.Object is InferenceRequest inference && !_otherBase.Contains(inference.Model)) due.Add(inference);
            if (page.Count > 0) _cursor = page[^1].Index;
            if (page.Count < Page) break;
        }
        // Those seen before whose time has come: still requested means serve (again); otherwise they are done.
        foreach (var (id, _) in _waiting.Where(w => w.Value.RetryAt <= now).ToList())
        {
            if ((await Market.GetObjectAsync(id))?.Object is InferenceRequest { Status: InferenceStatus.Requested } inference) due.Add(inference);
            else _waiting.Remove(id);
        }
        if (due.Count == 0) return;

        var outcomes = await Task.WhenAll(due.Select(i => ServeAsync(i, cancellationToken)));
        var results = outcomes.OfType<(InferenceRequest Inference, Hash32 Output)>().ToList();
        if (results.Count == 0) return;

        var nonce = (await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Of(key.Address)).GetAsync()).NextNonce;
        var chain = await Chain.GetInfoAsync();
        var signed = results.Select((r, i) => new Transaction(chain.ChainId, key.Address, nonce + (ulong)i, chain.GasPriceFloor,
            new PostResult(r.Inference.Id, r.Output)).Sign(key)).ToList();
        var submitted = await GrainFactory.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync(signed.Select(s => s.Encode()).ToList());
        for (var i = 0; i < results.Count; i++)
        {
            if (submitted[i].Accepted)
            {
                _waiting[results[i].Inference.Id] = (now + RepostAfter, true);
                _served++;
            }
            else
            {
                Fail(results[i].Inference.Id, $"PostResult for {results[i].Inference.Id} refused: {submitted[i].ErrorCode}: {submitted[i].Message}");
            }
        }
    }

    /// <summary>Serves one inference; null when it cannot be served (recorded, retried later).</summary>
    private async Task<(InferenceRequest, Hash32)?> ServeAsync(InferenceRequest inference, CancellationToken cancellationToken)
    {
        try
        {
            if ((await Market.GetObjectAsync(inference.Model))?.Object is not OpenLedger.Core.Market.Model model)
                return Fail(inference.Id, $"inference {inference.Id}: model {inference.Model} not found");
            if (model.BaseModel != host.BaseModelName)
            {
                if (_otherBase.Add(model.Id))
                    logger.LogInformation("model {Model} is on base '{Base}', this silo serves '{Served}': its inferences are left to other silos or to expire",
                        model.Id, model.BaseModel, host.BaseModelName);
                return null;
            }
            var version = model.Versions.FirstOrDefault(v => v.Number == inference.ModelVersion)
                          ?? throw new InvalidDataException($"model {model.Id} has no version {inference.ModelVersion}");
            // Before reading the input: a quarantined adapter's inference costs a model read and nothing more.
            if (host.QuarantineReason(version.Adapter) is { } reason) return Refuse(inference, version.Adapter, reason);
            var task = await ModelTask.OfAsync(Market, version);
            var input = await content.GetAsync(inference.Input, cancellationToken);
            if (input is null) return Fail(inference.Id, $"inference {inference.Id}: input {inference.Input} is not in the content store");
            var text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(input);
            var output = await host.GenerateAsync(version.Adapter, task, text, cancellationToken);
            var stored = await content.PutAsync(System.Text.Encoding.UTF8.GetBytes(output.Text), cancellationToken);
            if (stored != output.Output) throw new InvalidOperationException("the stored output's hash differs from the served one");
            return (inference, output.Output);
        }
        catch (InvalidAdapterException e)
        {
            return Refuse(inference, e.Id, e.Reason);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Fail(inference.Id, $"inference {inference.Id}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Leaves <paramref name="inference"/> to its deadline: OpenLoRA refuses its adapter, and would refuse it on
    /// every retry. There is no refusal transaction: the chain refunds it when it expires.</summary>
    private (InferenceRequest, Hash32)? Refuse(InferenceRequest inference, Hash32 adapter, string reason)
    {
        _waiting.Remove(inference.Id);
        if (!_refused.TryGetValue(adapter, out var inferences))
        {
            _refused[adapter] = inferences = [];
            logger.LogWarning("adapter {Adapter} is quarantined ({Reason}): inferences served with it are left to expire and refund " +
                              "unless an operator clears it (unloadAdapter)", adapter, reason);
        }
        if (inferences.TryAdd(inference.Id, inference.DeadlineHeight))
        {
            _failedCount++;
            _lastError = $"inference {inference.Id}: adapter {adapter} is quarantined: {reason}";
        }
        return null;
    }

    /// <summary>Drops refused inferences past their deadline and hands those of adapters no longer quarantined (an
    /// operator cleared them) back to the waiting list, due now.</summary>
    private async Task ReviewRefusedAsync(DateTime now)
    {
        var head = (await Chain.GetInfoAsync()).HeadHeight;
        foreach (var (adapter, inferences) in _refused.ToList())
        {
            foreach (var (id, deadline) in inferences.ToList())
                if (deadline < head) inferences.Remove(id);
            if (host.QuarantineReason(adapter) is not null) continue;
            _refused.Remove(adapter);
            foreach (var id in inferences.Keys) _waiting[id] = (now, false);
            logger.LogInformation("adapter {Adapter} is no longer quarantined: its {Count} open inferences are served again", adapter, inferences.Count);
        }
    }

    private (InferenceRequest, Hash32)? Fail(Hash32 inference, string message)
    {
        _waiting[inference] = (DateTime.UtcNow + options.RetryFailed, false);
        _failedCount++;
        _lastError = message;
        logger.LogWarning("{Message}", message);
        return null;
    }
}
