using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Core.Models;

/// <summary>The rules of the model kinds: register (fee split within the genesis bounds, trained on existing
/// datanet versions; with its usage counters) and update (owner only; at most maxModelVersions versions).</summary>
public static class ModelRules
{
    public static ErrorCode Register(in TxContext cx, RegisterModel b)
    {
        var split = CheckSplit(cx.Rules.Market, b.OwnerBps, b.ContributorsBps, b.ProtocolBps);
        if (split != ErrorCode.None) return split;
        if (!VersionsExist(cx.Market, b.DatanetVersions)) return ErrorCode.UnknownDatanetVersion;
        var m = new Model(cx.TxHash, cx.Sender, b.Name, b.BaseModel, b.Price, b.OwnerBps, b.ContributorsBps, b.ProtocolBps,
            ModelStatus.Active, [new ModelVersion(1, b.Adapter, b.TrainingRecord, b.DatanetVersions, cx.Height)], cx.Height);
        cx.Put(m);
        cx.Put(ModelUsage.For(m));
        cx.Changes.Emit(MarketEventKind.ModelRegistered, m.Id, party: cx.Sender, amount: m.Price, model: m.Id, detail: m.Name);
        return ErrorCode.None;
    }

    public static ErrorCode Update(in TxContext cx, UpdateModel b)
    {
        if (cx.Market.Model(b.Model) is not { } m) return ErrorCode.UnknownModel;
        if (m.Owner != cx.Sender) return ErrorCode.NotModelOwner;
        // The versions stay in the model's committed object (settlement attributes against the requested version),
        // so every update re-encodes all of them: the cap keeps that bounded.
        if (b.NewVersion && m.Versions.Length >= cx.Rules.Market.MaxModelVersions) return ErrorCode.TooManyModelVersions;
        if (b.NewVersion && !VersionsExist(cx.Market, b.DatanetVersions)) return ErrorCode.UnknownDatanetVersion;
        var versions = b.NewVersion
            ? [.. m.Versions, new ModelVersion(m.Current.Number + 1, b.Adapter, b.TrainingRecord, b.DatanetVersions, cx.Height)]
            : m.Versions;
        var updated = m with { Price = b.Price, Status = b.Status, Versions = versions };
        cx.Put(updated);
        cx.Changes.Emit(MarketEventKind.ModelUpdated, m.Id, party: cx.Sender, amount: b.Price, model: m.Id,
            detail: $"{b.Status} v{updated.Current.Number}");
        return ErrorCode.None;
    }

    public static ErrorCode CheckSplit(MarketRules rules, ushort ownerBps, ushort contributorsBps, ushort protocolBps)
    {
        if (ownerBps + contributorsBps + protocolBps != 10_000) return ErrorCode.FeeSplitOutOfBounds;
        if (contributorsBps < rules.MinContributorsBps) return ErrorCode.FeeSplitOutOfBounds;
        if (protocolBps < rules.MinProtocolBps || protocolBps > rules.MaxProtocolBps) return ErrorCode.FeeSplitOutOfBounds;
        return ErrorCode.None;
    }

    private static bool VersionsExist(MarketState market, Hash32[] versions) => versions.All(v => market.Version(v) is not null);
}
