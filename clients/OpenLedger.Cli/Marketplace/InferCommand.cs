using OpenLedger.Core.Content;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Inference;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger infer --model ID (--input-file F | --input-hash H) [--max-fee OPEN] [--wait [--timeout S]]
/// [--allow-unserved-base]`: requests a paid inference, escrowing the model's price (at most --max-fee; by default the
/// price read now). A file is uploaded to the node's content store first, so the serving operator can read the input by
/// its hash. A model whose base the node does not serve is refused before anything is paid (<see cref="ServedBaseModel"/>).
/// With --wait it follows the inference (<see cref="InferenceWait"/>) to its output and settlement.</summary>
public static class InferCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var model = Options.Id(args, "model", "model");
        var file = args.Get("input-file");
        var hash = Options.OptionalId(args, "input-hash", "input content");
        if ((file is null) == (hash is null)) throw new UsageException("give the input as exactly one of --input-file FILE and --input-hash HASH");
        if (file is not null && !File.Exists(file)) throw new UsageException($"no such file: {file}");
        var maxFee = Options.OptionalOpen(args, "max-fee");
        var wait = args.Has("wait");
        if (wait && args.Has("no-wait")) throw new UsageException("--wait and --no-wait contradict each other: give one");
        // With --wait, --timeout bounds the wait for the block, then the wait for the output and the settlement.
        var timeout = Options.OptionalSeconds(args, "timeout") ?? InferenceWait.DefaultTimeout;
        var allowUnserved = args.Has(ServedBaseModel.OverrideFlag);
        var signer = Signer.From(args);
        var input = file is null ? null : File.ReadAllBytes(file);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        var (m, _) = await s.Client.GetModelAsync(model) ?? throw new CommandFailedException($"no model {model} on this chain");
        await ServedBaseModel.CheckAsync(s, m.BaseModel, allowUnserved, "this inference would not be served here and would expire at its deadline");
        if (input is not null)
        {
            Client.StoredContent put;
            try { put = await s.Client.UploadAsync(input); }
            catch (Client.GraphQLRequestException e) { throw new CommandFailedException($"uploading {file} failed: {e.Code}: {e.Detail}"); }
            if (put.Hash != ContentHashes.Compute(input).ContentHash) throw new CommandFailedException($"the node stored {file} under {put.Hash}, not its hash");
            hash = put.Hash;
            output.WriteLine($"uploaded {Path.GetFileName(file)}: {put.Size} bytes, content {hash}");
        }
        var body = Options.Body<RequestInference>(RequestInference.TryCreate, model, hash!.Value, maxFee ?? m.Price);
        var o = await s.SendAsync(signer, body);
        if (o.ExitCode != 0) return o.ExitCode;
        s.Field("inference", o.Hash);
        s.Field("input", hash);
        if (o.Succeeded && await s.Client.GetInferenceAsync(o.Hash) is { } i)
        {
            s.Field("escrow", MarketSession.Open(i.Escrow));
            s.Field("model version", i.ModelVersion);
            s.Field("deadline", $"block {i.DeadlineHeight}");
        }
        if (!wait)
        {
            output.WriteLine($"follow it: openledger inference show --id {o.Hash}");
            return 0;
        }
        return await InferenceWait.FollowAsync(s, o.Hash, timeout);
    }
}
