using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Inference;

/// <summary>The rules of paid inference: request (escrow the price), post the result (serving operator), settle
/// the attribution (attribution operator; exact split, once), and expire what is not settled in time.</summary>
public static class InferenceRules
{
    public const string ContributorRole = "contributor";
    public const string OwnerRole = "owner";
    public const string ProtocolRole = "protocol";

    public static ErrorCode Request(in TxContext cx, RequestInference b)
    {
        if (cx.Market.Model(b.Model) is not { } m) return ErrorCode.UnknownModel;
        if (m.Status != ModelStatus.Active) return ErrorCode.ModelNotActive;
        if (m.Price > b.MaxFee) return ErrorCode.PriceAboveMaximum;
        if (cx.BalanceOf(cx.Sender) < m.Price) return ErrorCode.InsufficientBalance;

        cx.Debit(cx.Sender, m.Price);
        var i = new InferenceRequest(cx.TxHash, m.Id, m.Current.Number, cx.Sender, b.Input, m.Price, m.OwnerBps, m.ContributorsBps, m.ProtocolBps,
            InferenceStatus.Requested, Hash32.Zero, Address.Zero, Hash32.Zero, Address.Zero,
            cx.Height, cx.Height + cx.Rules.Market.InferenceTimeoutBlocks, 0);
        cx.Put(i);
        // The counter lives in the model's usage object: the model itself (all its versions) is not re-encoded.
        var usage = cx.Market.Get<ModelUsage>(ModelUsage.IdOf(m.Id))!;
        cx.Put(usage with { Inferences = usage.Inferences + 1 });
        cx.Changes.Emit(MarketEventKind.InferenceRequested, i.Id, party: cx.Sender, amount: i.Escrow, model: m.Id, inference: i.Id);
        return ErrorCode.None;
    }

    public static ErrorCode Post(in TxContext cx, PostResult b)
    {
        if (!cx.Rules.Market.IsServingOperator(cx.Sender)) return ErrorCode.NotServingOperator;
        if (cx.Market.Inference(b.Inference) is not { } i) return ErrorCode.UnknownInference;
        switch (i.Status)
        {
            case InferenceStatus.Expired: return ErrorCode.InferenceExpired;
            case not InferenceStatus.Requested: return ErrorCode.ResultAlreadyPosted;
        }
        cx.Put(i with { Status = InferenceStatus.Served, Output = b.Output, Server = cx.Sender });
        cx.Changes.Emit(MarketEventKind.ResultPosted, i.Id, party: i.Caller, model: i.Model, inference: i.Id, detail: b.Output.ToString());
        return ErrorCode.None;
    }

    public static ErrorCode Settle(in TxContext cx, SettleAttribution b)
    {
        var rules = cx.Rules.Market;
        if (!rules.IsAttributionOperator(cx.Sender)) return ErrorCode.NotAttributionOperator;
        if (cx.Market.Inference(b.Inference) is not { } i) return ErrorCode.UnknownInference;
        switch (i.Status)
        {
            case InferenceStatus.Requested: return ErrorCode.ResultNotPosted;
            case InferenceStatus.Settled: return ErrorCode.AlreadySettled;
            case InferenceStatus.Expired: return ErrorCode.InferenceExpired;
        }
        if (b.Contributions.Length > rules.MaxAttributions) return ErrorCode.TooManyAttributions;
        if (new HashSet<Hash32>(b.Contributions).Count != b.Contributions.Length) return ErrorCode.DuplicateAttribution;
        if (b.Weights.All(w => w == 0)) return ErrorCode.ZeroTotalWeight;

        // The training set: the datanet versions the model version was trained on. A contribution excluded after one of
        // them was published is still in it (and may be paid); one excluded before is not.
        var m = cx.Market.Model(i.Model)!;
        var market = cx.Market;
        var trainedOn = m.Versions[(int)i.ModelVersion - 1].DatanetVersions.Select(vid => market.Version(vid)!).ToList();
        var contributions = new Contribution[b.Contributions.Length];
        for (int k = 0; k < contributions.Length; k++)
        {
            var c = cx.Market.Contribution(b.Contributions[k]);
            if (c is null || !trainedOn.Exists(v => v.Contains(c))) return ErrorCode.AttributionNotInTrainingSet;
            contributions[k] = c;
        }

        // Protocol, owner, contributors; then the contributors' part by weight. Both splits are exact.
        var shares = FeeSplit.Split(i.Escrow, [i.ProtocolBps, i.OwnerBps, i.ContributorsBps]);
        var rewards = FeeSplit.Split(shares[2], b.Weights);
        cx.Put(i with { Status = InferenceStatus.Settled, Record = b.Record, Settler = cx.Sender, ResolvedHeight = cx.Height });
        cx.Changes.Emit(MarketEventKind.InferenceSettled, i.Id, party: i.Caller, amount: i.Escrow, model: i.Model, inference: i.Id, detail: b.Record.ToString());
        Pay(cx, rules.Treasury, shares[0], i, null, null, ProtocolRole);
        Pay(cx, m.Owner, shares[1], i, null, null, OwnerRole);
        for (int k = 0; k < contributions.Length; k++)
            Pay(cx, contributions[k].Contributor, rewards[k], i, contributions[k].Datanet, contributions[k].Id, ContributorRole);
        return ErrorCode.None;
    }

    private static void Pay(in TxContext cx, Address to, Wei amount, InferenceRequest i, Hash32? datanet, Hash32? contribution, string role)
    {
        cx.Credit(to, amount);
        cx.Changes.Emit(MarketEventKind.RewardCredited, i.Id, party: to, amount: amount, datanet: datanet, model: i.Model,
            contribution: contribution, inference: i.Id, detail: role);
    }

    /// <summary>Resolves the open inferences whose deadline has passed (deadline = request height + timeout; the block at
    /// the deadline height can still serve and settle): never served → refunded; served but not settled → refunded or
    /// paid to the model's owner, as the genesis says. Runs at the start of each block.</summary>
    public static void ExpireDue(LedgerState state, Genesis.ChainRules rules, long height, BlockChanges changes)
    {
        changes.TxIndex = -1;
        changes.TxHash = Hash32.Zero;
        foreach (var i in state.Market.TakeDue(height))
        {
            var cx = new TxContext(state, rules, height, Hash32.Zero, Address.Zero, changes);
            var toOwner = i.Status == InferenceStatus.Served && rules.Market.TimeoutResolution == TimeoutResolution.Owner;
            var to = toOwner ? state.Market.Model(i.Model)!.Owner : i.Caller;
            cx.Put(i with { Status = InferenceStatus.Expired, ResolvedHeight = height });
            cx.Credit(to, i.Escrow);
            changes.Emit(MarketEventKind.InferenceExpired, i.Id, party: to, amount: i.Escrow, model: i.Model, inference: i.Id,
                detail: toOwner ? "owner" : "refund");
        }
    }
}
