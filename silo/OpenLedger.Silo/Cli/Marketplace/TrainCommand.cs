using System.Globalization;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Silo.Cli.Marketplace;

/// <summary>
/// `openledger train --datanet ID [--version N] [--rank R] [--alpha A] [--targets M,M] [--lr X] [--epochs E | --steps S]
/// [--batch-size B] [--seed S] [--no-wait]`: starts a Model Factory job and follows it with a progress bar until it
/// finishes (Ctrl+C stops following, not the job); `train status|cancel --id JOB`, `train list`, `train record --id JOB`.
/// A succeeded job prints the hashes that `model register --job JOB` puts on chain.
/// </summary>
public static class TrainCommand
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);

    public static Task<int> ExecuteAsync(Args args, TextWriter output) => args.Positional.FirstOrDefault() switch
    {
        "status" => StatusAsync(args, output),
        "cancel" => CancelAsync(args, output),
        "list" => ListAsync(args, output),
        "record" => RecordAsync(args, output),
        null => StartAsync(args, output),
        var other => throw new UsageException($"usage: openledger train [status|cancel|list|record] ... ('{other}' is not one of them)"),
    };

    private static async Task<int> StartAsync(Args args, TextWriter output)
    {
        var request = new TrainingJobRequest(
            Options.Id(args, "datanet", "datanet"),
            Options.UInt(args, "version", 0),
            args.GetInt("rank", 8), // ranges are the node's rule (InvalidField, exit 1)
            Options.Double(args, "alpha", 16),
            args.Get("targets") is { } t ? Options.List(t) : null,
            Options.Double(args, "lr", 3e-3),
            Options.Double(args, "epochs", 1),
            args.Has("steps") ? args.GetInt("steps", 0) : null,
            args.GetInt("batch-size", 16),
            args.GetInt("seed", 1));
        await using var s = await MarketSession.ConnectAsync(NodeSettings.From(args), output);
        var result = await s.Grains.GetGrain<IModelFactoryGrain>(0).SubmitAsync(request);
        if (!result.Ok) throw new CommandFailedException($"{result.ErrorCode}: {result.Message}");
        var job = result.Job!;
        s.Field("job", job.Id);
        s.Field("datanetVersion", $"{job.Version} (v{job.Request.VersionNumber}, {job.Examples} examples)");
        if (args.Has("no-wait")) return 0;
        return await FollowAsync(s, job, output);
    }

    /// <summary>Polls the job until it finishes, drawing a bar in place on a terminal and a line per 10% otherwise.</summary>
    private static async Task<int> FollowAsync(MarketSession s, TrainingJobView job, TextWriter output)
    {
        var grain = s.Grains.GetGrain<ITrainingJobGrain>(job.Id.ToString());
        var inPlace = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var lastDecile = -1;
        var lastSequence = -1L;
        while (!job.IsFinished)
        {
            await Task.Delay(PollEvery);
            job = await grain.GetAsync() ?? throw new CommandFailedException($"training job {job.Id} vanished");
            if (job.Sequence == lastSequence) continue;
            lastSequence = job.Sequence;
            var decile = job.TotalSteps > 0 ? job.Step * 10 / job.TotalSteps : 0;
            if (inPlace) output.Write("\r" + Bar(job));
            else if (decile != lastDecile) output.WriteLine(Bar(job));
            lastDecile = decile;
        }
        if (inPlace) output.WriteLine();
        return Report(s, job);
    }

    private static int Report(MarketSession s, TrainingJobView job)
    {
        s.Field("status", job.Status.ToString().ToLowerInvariant());
        if (job.Status != TrainingJobStatus.Succeeded)
        {
            s.Out.WriteLine($"error: {job.ErrorCode}: {job.Message}");
            return 1;
        }
        s.Field("steps", job.Step);
        s.Field("loss", Fmt(job.Loss));
        s.Field("evalLoss", $"{Fmt(job.InitialEvalLoss)} -> {Fmt(job.EvalLoss)}");
        if (job.Accuracy is { } acc) s.Field("accuracy", $"{Fmt(job.BaseAccuracy)} (base) -> {acc:F3}");
        s.Field("adapter", job.Adapter);
        s.Field("trainingRecord", job.TrainingRecord);
        s.Field("baseModel", job.BaseModel);
        s.Out.WriteLine($"register it: openledger model register --job {job.Id} --name NAME --price OPEN --key ...");
        return 0;
    }

    public static string Bar(TrainingJobView job)
    {
        const int width = 24;
        var filled = job.TotalSteps > 0 ? (int)Math.Round((double)job.Step / job.TotalSteps * width) : 0;
        var eta = job.EtaSeconds is { } e ? $" eta {e:F0}s" : "";
        return $"[{new string('#', filled)}{new string('.', width - filled)}] {job.Step}/{job.TotalSteps} loss {Fmt(job.Loss)} " +
               $"eval {Fmt(job.EvalLoss)} {job.TokensPerSecond:F0} tok/s{eta} {job.Status.ToString().ToLowerInvariant()}";
    }

    private static async Task<int> StatusAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "training job");
        await using var s = await MarketSession.ConnectAsync(NodeSettings.From(args), output);
        var job = await s.Grains.GetGrain<ITrainingJobGrain>(id.ToString()).GetAsync() ?? throw new CommandFailedException($"no training job {id}");
        s.Field("job", job.Id);
        s.Out.WriteLine(Bar(job));
        if (job.IsFinished) return Report(s, job);
        return 0;
    }

    private static async Task<int> CancelAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "training job");
        await using var s = await MarketSession.ConnectAsync(NodeSettings.From(args), output);
        var job = await s.Grains.GetGrain<ITrainingJobGrain>(id.ToString()).CancelAsync() ?? throw new CommandFailedException($"no training job {id}");
        s.Field("job", job.Id);
        s.Field("status", job.IsFinished ? job.Status.ToString().ToLowerInvariant() : "cancelling (stops after its current step, keeps its checkpoint)");
        return 0;
    }

    private static async Task<int> ListAsync(Args args, TextWriter output)
    {
        await using var s = await MarketSession.ConnectAsync(NodeSettings.From(args), output);
        foreach (var job in await s.Grains.GetGrain<IModelFactoryGrain>(0).ListAsync(args.GetInt("limit", 50, 1, 1_000)))
            s.Out.WriteLine($"{job.Id} {job.Status.ToString().ToLowerInvariant(),-9} datanet {job.Request.Datanet} v{job.Request.VersionNumber} {job.Step}/{job.TotalSteps}");
        return 0;
    }

    private static async Task<int> RecordAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "training job");
        await using var s = await MarketSession.ConnectAsync(NodeSettings.From(args), output);
        var record = await s.Grains.GetGrain<ITrainingJobGrain>(id.ToString()).GetRecordAsync() ?? throw new CommandFailedException($"training job {id} has no record (not succeeded)");
        s.Out.WriteLine(System.Text.Encoding.UTF8.GetString(record));
        return 0;
    }

    private static string Fmt(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";
}
