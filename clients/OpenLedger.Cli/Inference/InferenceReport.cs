using OpenLedger.Client;
using OpenLedger.Cli.Marketplace;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;

namespace OpenLedger.Cli.Inference;

/// <summary>How the CLI prints one paid inference: its record, texts, provenance and settlement (<c>inference show</c>),
/// and who its settlement paid (also what <c>infer --wait</c> ends with).</summary>
public static class InferenceReport
{
    /// <summary>The most characters of an input or output text printed (on one line; the size says how much there is).</summary>
    public const int TextChars = 200;

    public static void Print(MarketSession s, InferenceDetails d)
    {
        var i = d.Request;
        s.Field("inference", i.Id);
        s.Field("status", i.Status + (i.ResolvedHeight > 0 ? $" (block {i.ResolvedHeight})" : i.IsOpen ? $" (expires at block {i.DeadlineHeight})" : ""));
        s.Field("model", $"{i.Model} version {i.ModelVersion}" + (d.ModelName is { } name ? $" ({name})" : ""));
        s.Field("caller", i.Caller);
        s.Field("escrow", $"{MarketSession.Open(i.Escrow)}, split owner {i.OwnerBps} / contributors {i.ContributorsBps} / protocol {i.ProtocolBps} bps");
        s.Field("requested", $"block {i.CreatedHeight}, deadline block {i.DeadlineHeight}");
        s.Field("input", Text(i.Input.ToString(), d.InputText));
        s.Field("output", i.Output == Core.Crypto.Hash32.Zero ? "(not served yet)" : Text(i.Output.ToString(), d.OutputText));
        if (i.Server != Core.Crypto.Address.Zero) s.Field("served by", i.Server);
        if (d.Provenance is { } p)
        {
            s.Field("base model", p.BaseModel);
            s.Field("adapter", p.Adapter);
            s.Field("training record", p.TrainingRecord);
            s.Field("trained on", MarketSession.List(p.DatanetVersions));
        }
        if (i.Record != Core.Crypto.Hash32.Zero) s.Field("record", $"{i.Record} (attribution record)");
        if (i.Settler != Core.Crypto.Address.Zero) s.Field("settled by", i.Settler);
        if (d.AttributionFailure is { } f)
            s.Field("attribution", $"failed {f.Code}: {f.Message} ({f.Attempts} attempt{(f.Attempts == 1 ? "" : "s")})");
        if (i.Status == InferenceStatus.Settled) PrintPayees(s, d.Rewards);
    }

    /// <summary>Each credit of a settlement: the protocol's and the owner's shares, then every contribution with its
    /// contributor and amount.</summary>
    public static void PrintPayees(MarketSession s, IReadOnlyList<MarketEventInfo> rewards)
    {
        var total = rewards.Aggregate(Wei.Zero, (sum, r) => sum + (r.Amount ?? Wei.Zero));
        s.Out.WriteLine($"paid            {MarketSession.Open(total)} in {rewards.Count} credit{(rewards.Count == 1 ? "" : "s")}:");
        foreach (var role in new[] { "owner", "protocol" })
            foreach (var r in rewards.Where(r => r.Detail == role))
                s.Out.WriteLine($"  {role,-12}{MarketSession.Open(r.Amount ?? Wei.Zero),-24}to {r.Party}");
        foreach (var r in rewards.Where(r => r.Detail is not ("owner" or "protocol")))
            s.Out.WriteLine($"  {r.Detail ?? "credit",-12}{MarketSession.Open(r.Amount ?? Wei.Zero),-24}to {r.Party}" +
                            (r.Contribution is { } c ? $" for contribution {c}" : ""));
    }

    /// <summary>A content hash with its text's size and its first <see cref="TextChars"/> characters on one line.</summary>
    public static string Text(string hash, string? text)
    {
        if (text is null) return $"{hash} (not in this node's content store as text)";
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var shown = line.Length <= TextChars ? line : line[..(TextChars - 3)] + "...";
        return $"{hash} ({System.Text.Encoding.UTF8.GetByteCount(text)} bytes): \"{shown}\"";
    }
}
