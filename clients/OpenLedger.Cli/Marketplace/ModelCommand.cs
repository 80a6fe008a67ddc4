using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger model register|update|show|bases`: a publisher's fine-tuned models, their price and fee split, and
/// the base models the node serves (a model registers on one of them, <see cref="ServedBaseModel"/>).</summary>
public static class ModelCommand
{
    public static Task<int> ExecuteAsync(Args args, TextWriter output) => Options.SubVerb(args, "model", "register", "update", "show", "bases") switch
    {
        "register" => RegisterAsync(args, output),
        "update" => UpdateAsync(args, output),
        "bases" => BasesAsync(args, output),
        _ => ShowAsync(args, output),
    };

    private static async Task<int> RegisterAsync(Args args, TextWriter output)
    {
        // Every usage mistake is found before connecting. --job fills base model, adapter, datanet version and
        // training record from a succeeded Model Factory job, read from the node.
        var name = Options.Text(args, "name");
        var jobId = Options.OptionalId(args, "job", "training job");
        var price = Options.Open(args, "price");
        var (ownerBps, contributorsBps, protocolBps) =
            (Options.Bps(args, "owner-bps", 7_000), Options.Bps(args, "contributors-bps", 2_000), Options.Bps(args, "protocol-bps", 1_000));
        if (ownerBps + contributorsBps + protocolBps != 10_000)
            throw new UsageException($"--owner-bps, --contributors-bps and --protocol-bps must sum to 10000 (they sum to {ownerBps + contributorsBps + protocolBps})");
        RegisterModel Body(string baseModel, Hash32 adapter, Hash32[] versions, Hash32 record) =>
            Options.Body<RegisterModel>(RegisterModel.TryCreate, name, baseModel, adapter, versions, record, price, ownerBps, contributorsBps, protocolBps);
        var body = jobId is not null ? null : Body(
            Options.Text(args, "base-model"),
            Options.Id(args, "adapter", "adapter artifact"),
            Versions(args) ?? throw new UsageException("--versions is required: the datanet version ids the model was trained on (VID[,VID]), or give --job"),
            Options.Id(args, "training-record", "training record"));
        var allowUnserved = args.Has(ServedBaseModel.OverrideFlag);
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        if (jobId is { } id)
        {
            var job = await s.Client.GetTrainingJobAsync(id) ?? throw new CommandFailedException($"no training job {id}");
            if (job.Status != TrainingStatus.Succeeded) throw new CommandFailedException($"training job {id} is {job.Status.ToString().ToLowerInvariant()}, not succeeded");
            body = Body(job.BaseModel, job.Adapter!.Value, [job.DatanetVersion], job.TrainingRecord!.Value);
        }
        await ServedBaseModel.CheckAsync(s, body!.BaseModel, allowUnserved, "its paid inferences would not be served here and would expire");
        var o = await s.SendAsync(signer, body);
        if (o.ExitCode == 0) s.Field("model", o.Hash);
        return o.ExitCode;
    }

    private static async Task<int> UpdateAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "model");
        var price = Options.OptionalOpen(args, "price");
        ModelStatus? status = args.Has("status") ? Options.Choice(args, "status", ModelStatus.Active, ("active", ModelStatus.Active), ("retired", ModelStatus.Retired)) : null;
        var adapter = Options.OptionalId(args, "adapter", "adapter artifact");
        var record = Options.OptionalId(args, "training-record", "training record");
        var versions = Versions(args);
        if ((adapter is null) != (record is null) || (adapter is null) != (versions is null))
            throw new UsageException("a new model version needs all of --adapter, --training-record and --versions");
        if (price is null && status is null && adapter is null) throw new UsageException("model update changes --price, --status or the version (--adapter ...): give at least one");
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        // The transaction sets price and status together: what was not given keeps its committed value.
        var (m, _) = await s.Client.GetModelAsync(id) ?? throw new CommandFailedException($"no model {id} on this chain");
        var body = Options.Body<UpdateModel>(UpdateModel.TryCreate, id, price ?? m.Price, (byte)(status ?? m.Status),
            adapter ?? Hash32.Zero, record ?? Hash32.Zero, versions ?? []);
        var o = await s.SendAsync(signer, body);
        if (o.Succeeded && await s.Client.GetModelAsync(id) is { } updated) Print(s, updated.Model, updated.Inferences);
        return o.ExitCode;
    }

    private static async Task<int> ShowAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "model");
        using var s = await MarketSession.ConnectAsync(args, output);
        var (m, inferences) = await s.Client.GetModelAsync(id) ?? throw new CommandFailedException($"no model {id} on this chain");
        Print(s, m, inferences);
        var served = await s.Client.GetServedBaseModelsAsync();
        s.Field("served here", served.Contains(m.BaseModel, StringComparer.Ordinal) ? "yes"
            : $"no: this node serves {(served.Count == 0 ? "no base model" : MarketSession.List(served))}");
        return 0;
    }

    private static async Task<int> BasesAsync(Args args, TextWriter output)
    {
        using var s = await MarketSession.ConnectAsync(args, output);
        var served = await s.Client.GetServedBaseModelsAsync();
        foreach (var b in served) s.Field("served base", b);
        if (served.Count == 0) output.WriteLine("this node serves no base model (no ML silo, or none with a serving key)");
        return 0;
    }

    private static Hash32[]? Versions(Args args) =>
        args.Get("versions") is { } v ? Options.Hashes(v, "versions", "datanet version") : args.Has("versions") ? [] : null;

    private static void Print(MarketSession s, Model m, long inferences)
    {
        s.Field("model", m.Id);
        s.Field("name", m.Name);
        s.Field("owner", m.Owner);
        s.Field("base model", m.BaseModel);
        s.Field("status", m.Status);
        s.Field("price", MarketSession.Open(m.Price));
        s.Field("fee split", $"owner {m.OwnerBps} bps, contributors {m.ContributorsBps} bps, protocol {m.ProtocolBps} bps");
        s.Field("inferences", inferences);
        s.Field("created", $"block {m.CreatedHeight}");
        foreach (var v in m.Versions)
        {
            s.Out.WriteLine($"  v{v.Number,-4} adapter {v.Adapter}  training record {v.TrainingRecord}  block {v.Height}");
            s.Out.WriteLine($"        trained on {MarketSession.List(v.DatanetVersions)}");
        }
    }
}
