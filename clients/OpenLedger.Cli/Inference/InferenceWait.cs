using OpenLedger.Cli.Marketplace;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;

namespace OpenLedger.Cli.Inference;

/// <summary>What <c>infer --wait</c> does once its request committed: polls the inference until OpenLoRA's output is
/// posted (prints it), then until it is settled (prints who was paid: exit 0) or expired (says whether the escrow was
/// refunded: exit 1). Out of time, it says where the inference stands and how to follow it (exit 1).</summary>
public static class InferenceWait
{
    /// <summary>How long --wait waits unless told: a served inference is attributed within seconds on a quiet node,
    /// but a busy ML silo may queue it behind training.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static async Task<int> FollowAsync(MarketSession s, Hash32 id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        s.Out.WriteLine($"waiting up to {timeout.TotalSeconds:0} s for the output and the settlement");
        var outputShown = false;
        while (true)
        {
            var i = await s.Client.GetInferenceAsync(id) ?? throw new CommandFailedException($"UnknownInference: inference {id} is not on chain");
            if (!outputShown && i.Output != Hash32.Zero)
            {
                outputShown = true;
                s.Field("output", InferenceReport.Text(i.Output.ToString(), await s.Client.GetOutputTextAsync(id)));
                s.Field("served by", i.Server);
            }
            switch (i.Status)
            {
                case InferenceStatus.Settled:
                    s.Field("status", $"Settled in block {i.ResolvedHeight}, attribution record {i.Record}");
                    InferenceReport.PrintPayees(s, await s.Client.GetInferenceRewardsAsync(id));
                    return 0;
                case InferenceStatus.Expired:
                    var expiry = await s.Client.GetInferenceExpiryAsync(i);
                    s.Field("status", $"Expired in block {i.ResolvedHeight}, not settled: " + (expiry is null ? "see openledger inference show --id " + id
                        : expiry.Detail == "refund" ? $"{MarketSession.Open(i.Escrow)} refunded to {expiry.Party}"
                        : $"{MarketSession.Open(i.Escrow)} paid to the model's owner {expiry.Party} (it was served; the chain's timeout rule), not refunded"));
                    return 1;
            }
            if (DateTime.UtcNow >= deadline)
            {
                var failure = (await s.Client.GetInferenceDetailsAsync(id))?.AttributionFailure;
                s.Out.WriteLine($"error: not settled within {timeout.TotalSeconds:0} s: it is {i.Status}" +
                                (i.Status == InferenceStatus.Requested ? " (no output posted yet)" : "") +
                                (failure is { } f ? $", attribution failed {f.Code}: {f.Message}" : "") +
                                $"; it expires at block {i.DeadlineHeight}. Follow it: openledger inference show --id {id}");
                return 1;
            }
            await Task.Delay(Poll);
        }
    }
}
