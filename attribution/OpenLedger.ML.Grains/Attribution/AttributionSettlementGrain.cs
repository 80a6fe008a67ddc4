using Microsoft.Extensions.Logging;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Attribution;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.ML.Grains.Hosting;
using Orleans.Streams;

namespace OpenLedger.ML.Grains.Attribution;

/// <summary>
/// Turns attribution results into SettleAttribution transactions. It consumes the "attribution" stream of its key (the
/// attribution operator's address; an implicit subscription, so a message activates it), collects the results for
/// <see cref="FlushEvery"/> (or <see cref="MaxBatch"/> of them) and submits them in one batch signed by the operator's
/// key with consecutive nonces, like the inference worker posts results.
/// <para>Once per inference: before signing it reads the inferences from chain state and drops those no longer served
/// (settled, by this node or another, or expired), and a result repeated by the stream shortly after its submission
/// is dropped too; both are counted as skipped, not errors. If a settlement still meets one in a block (two
/// operators racing), the chain refuses it (AlreadySettled) and nobody is paid twice. A refused submission is logged;
/// the worker attributes the inference again later.</para>
/// </summary>
[ImplicitStreamSubscription(MarketStreams.AttributionNamespace)]
public sealed class AttributionSettlementGrain(MlOptions options, ILogger<AttributionSettlementGrain> logger)
    : Grain, IAttributionSettlementGrain
{
    public const int MaxBatch = 256;
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<Hash32, AttributionResult> _pending = [];
    // Submitted a moment ago: a repeat of the same message is dropped; after half the worker's wait a result counts
    // as new again (the worker publishes again only when its settlement did not reach the chain).
    private readonly Dictionary<Hash32, DateTime> _submitted = [];
    private PrivateKey? _key;
    private long _submittedCount;
    private long _batches;
    private long _skipped;
    private long _refused;
    private string? _lastError;

    private IMarketQueryGrain Market => GrainFactory.GetGrain<IMarketQueryGrain>(0);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        if (options.AttributionKey is { } k && GrainKeys.Of(k.Address) == key) _key = k;
        else logger.LogError("attribution results for operator {Operator} reached a silo without that operator's key: they are dropped", key);
        await this.GetStreamProvider(MarketStreams.ProviderName).GetStream<AttributionResult>(MarketStreams.AttributionStream(key))
            .SubscribeAsync((result, _) => OnResultAsync(result));
        this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushEvery, FlushEvery) { Interleave = false });
        await base.OnActivateAsync(cancellationToken);
    }

    public Task<AttributionSettlementStatus> GetStatusAsync() =>
        Task.FromResult(new AttributionSettlementStatus(this.GetPrimaryKeyString(), _submittedCount, _batches, _skipped, _refused, _lastError));

    private async Task OnResultAsync(AttributionResult result)
    {
        if (_key is null) return;
        _pending[result.Inference] = result;
        if (_pending.Count >= MaxBatch) await FlushAsync(CancellationToken.None);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0 || _key is not { } key) return;
        var now = DateTime.UtcNow;
        foreach (var (id, at) in _submitted.Where(s => s.Value + options.Resettle / 2 <= now).ToList()) _submitted.Remove(id);
        var batch = _pending.Values.Where(r => !_submitted.ContainsKey(r.Inference)).ToList();
        _skipped += _pending.Count - batch.Count;
        _pending.Clear();
        if (batch.Count == 0) return;

        var states = await Market.GetObjectsAsync(batch.Select(r => r.Inference).ToList());
        var open = batch.Where((_, i) => states[i]?.Object is InferenceRequest { Status: InferenceStatus.Served }).ToList();
        _skipped += batch.Count - open.Count;
        if (open.Count == 0) return;

        var nonce = (await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Of(key.Address)).GetAsync()).NextNonce;
        var chain = await GrainFactory.GetGrain<IChainGrain>(0).GetInfoAsync();
        var signed = open.Select((r, i) => new Transaction(chain.ChainId, key.Address, nonce + (ulong)i, chain.GasPriceFloor,
            new SettleAttribution(r.Inference, r.Record, r.Contributions, r.Weights)).Sign(key).Encode()).ToList();
        var submitted = await GrainFactory.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync(signed);
        _batches++;
        for (var i = 0; i < open.Count; i++)
        {
            if (submitted[i].Accepted)
            {
                _submitted[open[i].Inference] = now;
                _submittedCount++;
                continue;
            }
            _refused++;
            _lastError = $"SettleAttribution for {open[i].Inference} refused: {submitted[i].ErrorCode}: {submitted[i].Message}";
            logger.LogWarning("{Error}", _lastError);
        }
    }
}
