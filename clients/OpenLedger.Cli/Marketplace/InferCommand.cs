using OpenLedger.Core.Content;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger infer --model ID (--input-file F | --input-hash H) [--max-fee OPEN]`: requests a paid inference,
/// escrowing the model's price (at most --max-fee; by default the price read now). A file is uploaded to the node's
/// content store first, so the serving operator can read the input by its hash.</summary>
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
        var signer = Signer.From(args);
        var input = file is null ? null : File.ReadAllBytes(file);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        var (m, _) = await s.Client.GetModelAsync(model) ?? throw new CommandFailedException($"no model {model} on this chain");
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
        return 0;
    }
}
