using System.Globalization;
using OpenLedger.Client;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Keys;

namespace OpenLedger.Cli.Marketplace;

/// <summary>
/// `openledger train --datanet ID [--version N] [--rank R] [--alpha A] [--targets M,M] [--lr X] [--epochs E | --steps S]
/// [--batch-size B] [--seed S] [--schedule cosine|linear|constant] [--label-smoothing E] [--early-stopping N]
/// [--label-scoring sum|mean] [--no-wait] [--key-file FILE | --dev N | ...]`: starts a Model Factory job (with a key:
/// signed by that account, which owns the job; without one: as the node's operator) and follows it with a progress bar until it
/// finishes (Ctrl+C stops following, not the job); `train status|cancel --id JOB` (cancel: by the job's owner with the same
/// key options, or the operator), `train list`, `train record --id JOB`.
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
        var request = new TrainingRequest(
            Options.Id(args, "datanet", "datanet"),
            Options.UInt(args, "version", 0),
            args.GetInt("rank", 8), // ranges are the node's rule (InvalidField, exit 1)
            Options.Double(args, "alpha", 16),
            args.Get("targets") is { } t ? Options.List(t) : null,
            Options.Double(args, "lr", 3e-3),
            Options.Double(args, "epochs", 1),
            args.Has("steps") ? args.GetInt("steps", 0) : null,
            args.GetInt("batch-size", 16),
            args.GetInt("seed", 1),
            // The recipe options: unset unless given (a job without them is named and signed as before); their values
            // are the node's rule too.
            args.Value("schedule"),
            args.Has("label-smoothing") ? Options.Double(args, "label-smoothing", 0) : null,
            args.Has("early-stopping") ? args.GetInt("early-stopping", 0) : null,
            args.Value("label-scoring"));
        // With a key: the account's own job, signed, no operator token (the node checks the account is funded).
        var signer = SignsAsAccount(args) ? Signer.From(args) : null;
        using var s = signer is null ? await MarketSession.ConnectAsync(args, output, asOperator: true) : await MarketSession.ConnectAsync(args, output, signer);
        var job = await OperatorCallAsync(() => signer is null
            ? s.Client.StartTrainingJobAsync(request)
            : s.Client.StartTrainingJobAsync(request, signer.Key, s.Chain.ChainId));
        s.Field("job", job.Id);
        if (job.Owner is { } owner) s.Field("owner", owner);
        s.Field("datanetVersion", $"{job.DatanetVersion} (v{job.VersionNumber}, {job.Examples} examples)");
        if (args.Has("no-wait")) return 0;
        return await FollowAsync(s, job, output);
    }

    /// <summary>A key given the usual way (--key-file, --key, --dev, --operator, OPENLEDGER_KEY) and no operator token
    /// file: the job is started by that account's signed request and owned by it. Otherwise by the operator token.</summary>
    private static bool SignsAsAccount(Args args) =>
        !args.Has("operator-token-file")
        && (args.Has("key-file") || args.Has("key") || args.Has("dev") || args.Has("operator")
            || Environment.GetEnvironmentVariable(SignerKeys.EnvironmentVariable) is { Length: > 0 });

    /// <summary>Polls the job until it finishes, drawing a bar in place on a terminal and a line per 10% otherwise.</summary>
    private static async Task<int> FollowAsync(MarketSession s, TrainingJobInfo job, TextWriter output)
    {
        var inPlace = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var lastDecile = -1;
        var lastSequence = -1L;
        while (!job.IsFinished)
        {
            await Task.Delay(PollEvery);
            job = await s.Client.GetTrainingJobAsync(job.Id) ?? throw new CommandFailedException($"training job {job.Id} vanished");
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

    private static int Report(MarketSession s, TrainingJobInfo job)
    {
        s.Field("status", job.Status.ToString().ToLowerInvariant());
        if (job.Status != TrainingStatus.Succeeded)
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

    public static string Bar(TrainingJobInfo job)
    {
        const int width = 24;
        // Before its first step a job has no step count, loss or speed to show: say what it is waiting for.
        if (job.TotalSteps == 0 && !job.IsFinished)
            return $"[{new string('.', width)}] " + (job.Status == TrainingStatus.Queued
                ? "queued: waiting to start"
                : "starting: loading the base model and the datanet version");
        var filled = job.TotalSteps > 0 ? (int)Math.Round((double)job.Step / job.TotalSteps * width) : 0;
        var eta = job.EtaSeconds is { } e ? $" eta {e:F0}s" : "";
        return $"[{new string('#', filled)}{new string('.', width - filled)}] {job.Step}/{job.TotalSteps} loss {Fmt(job.Loss)} " +
               $"eval {Fmt(job.EvalLoss)} {job.TokensPerSecond:F0} tok/s{eta} {job.Status.ToString().ToLowerInvariant()}";
    }

    private static async Task<int> StatusAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "training job");
        using var s = await MarketSession.ConnectAsync(args, output);
        var job = await s.Client.GetTrainingJobAsync(id) ?? throw new CommandFailedException($"no training job {id}");
        s.Field("job", job.Id);
        s.Out.WriteLine(Bar(job));
        if (job.IsFinished) return Report(s, job);
        return 0;
    }

    private static async Task<int> CancelAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "training job");
        // With a key: the job's owner cancels it with its signature (as it started it); otherwise the operator token.
        var signer = SignsAsAccount(args) ? Signer.From(args) : null;
        using var s = signer is null ? await MarketSession.ConnectAsync(args, output, asOperator: true) : await MarketSession.ConnectAsync(args, output, signer);
        var job = await OperatorCallAsync(() => signer is null
            ? s.Client.CancelTrainingJobAsync(id)
            : s.Client.CancelTrainingJobAsync(id, signer.Key, s.Chain.ChainId));
        s.Field("job", job.Id);
        s.Field("status", job.IsFinished ? job.Status.ToString().ToLowerInvariant() : "cancelling (stops after its current step, keeps its checkpoint)");
        return 0;
    }

    private static async Task<int> ListAsync(Args args, TextWriter output)
    {
        var limit = args.GetInt("limit", 50, 1, 100); // the node lists at most 100
        using var s = await MarketSession.ConnectAsync(args, output);
        foreach (var job in await s.Client.GetTrainingJobsAsync(limit))
            s.Out.WriteLine($"{job.Id} {job.Status.ToString().ToLowerInvariant(),-9} datanet {job.Datanet} v{job.VersionNumber} {job.Step}/{job.TotalSteps}");
        return 0;
    }

    private static async Task<int> RecordAsync(Args args, TextWriter output)
    {
        var id = Options.Id(args, "id", "training job");
        using var s = await MarketSession.ConnectAsync(args, output);
        var record = await s.Client.GetTrainingRecordAsync(id) ?? throw new CommandFailedException($"training job {id} has no record (not succeeded)");
        s.Out.WriteLine(record);
        return 0;
    }

    /// <summary>An administrative call: refused without the operator token (OPERATOR_REQUIRED), with a hint where to find it.</summary>
    private static async Task<TrainingJobInfo> OperatorCallAsync(Func<Task<TrainingJobInfo>> call)
    {
        try { return await call(); }
        catch (GraphQLRequestException e) when (e.Code == "OPERATOR_REQUIRED")
        {
            throw new CommandFailedException($"{e.Code}: {e.Detail} (give the node's operator token with --operator-token-file PATH; " +
                                             "on the node's machine it is read from the data directory's operator.token)");
        }
        catch (GraphQLRequestException e) { throw new CommandFailedException($"{e.Code}: {e.Detail}"); }
    }

    private static string Fmt(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";
}
