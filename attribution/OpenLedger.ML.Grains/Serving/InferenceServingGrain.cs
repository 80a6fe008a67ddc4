using Microsoft.Extensions.Logging;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Datanets;
using OpenLedger.Core.Inference;
using OpenLedger.Core.Market;
using OpenLedger.Core.Models;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Hosting;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Serving;
using OpenLedger.ML.Grains.Hosting;
using OpenLedger.Storage.Ledger;

namespace OpenLedger.ML.Grains.Serving;

/// <summary>
/// Answers paid inferences. Every poll it reads the requested inferences from chain state (the store, not a stream:
/// a missed stream message must not leave an inference unserved), serves the new ones concurrently through
/// <see cref="OpenLoraHost"/> (so they share heterogeneous batches), stores each output text in the content store
/// and posts all their results in one submission, signed by the node's serving-operator key with consecutive nonces.
/// An inference it cannot serve (unknown base model, missing input, an adapter that does not load) is left alone and
/// reported; the chain refunds it at its deadline.
/// </summary>
public sealed class InferenceServingGrain(OpenLoraHost host, LedgerNode node, MlOptions options, ILogger<InferenceServingGrain> logger)
    : Grain, IInferenceServingGrain
{
    private const int Page = 128;
    // Posted but not yet committed: not served again until the block shows the result, or until this long has passed
    // (the transaction may have been dropped).
    private static readonly TimeSpan RepostAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromSeconds(60);

    private readonly Dictionary<Hash32, DateTime> _posted = [];
    private readonly Dictionary<Hash32, DateTime> _failed = [];
    private IGrainTimer? _timer;
    private long _served;
    private long _failedCount;
    private string? _lastError;

    public Task WakeAsync()
    {
        if (options.ServingKey is not null)
            _timer ??= this.RegisterGrainTimer(PollAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.Poll) { KeepAlive = true, Interleave = false });
        return Task.CompletedTask;
    }

    public Task<InferenceWorkerStatus> GetStatusAsync() =>
        Task.FromResult(new InferenceWorkerStatus(options.ServingKey?.Address.ToString(), _served, _failedCount, _posted.Count, _lastError));

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var key = options.ServingKey!;
        var now = DateTime.UtcNow;
        var due = new List<InferenceRequest>();
        int? after = null;
        var open = new HashSet<Hash32>();
        while (true)
        {
            var page = await node.Store.QueryObjectsAsync(new ObjectQuery(MarketObjectKind.Inference, Status: (int)InferenceStatus.Requested, AfterIndex: after, Limit: Page), cancellationToken);
            foreach (var o in page)
            {
                var inference = (InferenceRequest)o.Object;
                open.Add(inference.Id);
                if (_posted.TryGetValue(inference.Id, out var postedAt) && now - postedAt < RepostAfter) continue;
                if (_failed.TryGetValue(inference.Id, out var failedAt) && now - failedAt < RetryFailedAfter) continue;
                due.Add(inference);
            }
            if (page.Count < Page) break;
            after = page[^1].Index;
        }
        foreach (var id in _posted.Keys.Where(id => !open.Contains(id)).ToList()) _posted.Remove(id);
        foreach (var id in _failed.Keys.Where(id => !open.Contains(id)).ToList()) _failed.Remove(id);
        if (due.Count == 0) return;

        var outcomes = await Task.WhenAll(due.Select(i => ServeAsync(i, cancellationToken)));
        var results = outcomes.OfType<(InferenceRequest Inference, Hash32 Output)>().ToList();
        if (results.Count == 0) return;

        var nonce = (await GrainFactory.GetGrain<IAccountGrain>(key.Address.ToString().ToLowerInvariant()).GetAsync()).NextNonce;
        var signed = results.Select((r, i) => new Transaction(node.Rules.ChainId, key.Address, nonce + (ulong)i, node.Rules.GasPriceFloor,
            new PostResult(r.Inference.Id, r.Output)).Sign(key)).ToList();
        var submitted = await GrainFactory.GetGrain<ITransactionGatewayGrain>(0).SubmitAsync(signed.Select(s => s.Encode()).ToList());
        for (var i = 0; i < results.Count; i++)
        {
            if (submitted[i].Accepted)
            {
                _posted[results[i].Inference.Id] = now;
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
            if ((await node.Store.GetObjectAsync(inference.Model, cancellationToken))?.Object is not OpenLedger.Core.Models.Model model)
                return Fail(inference.Id, $"inference {inference.Id}: model {inference.Model} not found");
            if (model.BaseModel != host.BaseModelName)
                return Fail(inference.Id, $"inference {inference.Id}: model {model.Id} is on base '{model.BaseModel}', this silo serves '{host.BaseModelName}'");
            var version = model.Versions.FirstOrDefault(v => v.Number == inference.ModelVersion)
                          ?? throw new InvalidDataException($"model {model.Id} has no version {inference.ModelVersion}");
            var task = await TaskOfAsync(version, cancellationToken);
            var input = await node.Content!.GetAsync(inference.Input, cancellationToken);
            if (input is null) return Fail(inference.Id, $"inference {inference.Id}: input {inference.Input} is not in the content store");
            var text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(input);
            var output = await host.GenerateAsync(version.Adapter, task, text, cancellationToken);
            var stored = await node.Content.PutAsync(System.Text.Encoding.UTF8.GetBytes(output.Text), cancellationToken);
            if (stored.Hash != output.Output) throw new InvalidOperationException("the stored output's hash differs from the served one");
            return (inference, output.Output);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Fail(inference.Id, $"inference {inference.Id}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The task format a model was trained in: its first datanet version's datanet's.</summary>
    private async Task<TaskKind> TaskOfAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        if (version.DatanetVersions.Length > 0
            && (await node.Store.GetObjectAsync(version.DatanetVersions[0], cancellationToken))?.Object is DatanetVersion dv
            && (await node.Store.GetObjectAsync(dv.Datanet, cancellationToken))?.Object is Datanet d)
            return d.Task;
        return TaskKind.Text;
    }

    private (InferenceRequest, Hash32)? Fail(Hash32 inference, string message)
    {
        _failed[inference] = DateTime.UtcNow;
        _failedCount++;
        _lastError = message;
        logger.LogWarning("{Message}", message);
        return null;
    }
}
