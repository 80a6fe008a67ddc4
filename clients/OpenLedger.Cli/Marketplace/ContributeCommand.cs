using OpenLedger.Core.Content;
using OpenLedger.Client;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger contribute --datanet ID [FILE|DIR...] [--jsonl FILE]`: uploads each file (or each example line
/// of a JSONL file, see <see cref="JsonlExamples"/>) to the node's content store, signs one Contribute per item with
/// consecutive nonces, submits them in one gateway call, waits for their blocks and prints per item its contribution
/// id, size, fee and outcome; then the near-duplicates the datanet already holds.</summary>
public static class ContributeCommand
{
    private sealed class Item(string name, byte[] content)
    {
        public string Name { get; } = name;
        public byte[] Content { get; } = content;
        public ContentDigest Digest { get; } = ContentHashes.Compute(content);
        public string? Problem { get; set; }
        public BatchOutcome? Sent { get; set; }
        public SendOutcome? Outcome => Sent?.Outcome;
    }

    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var datanet = Options.Id(args, "datanet", "datanet");
        var jsonl = args.FullPath("jsonl");
        if (jsonl is not null && !File.Exists(jsonl)) throw new UsageException($"--jsonl: no such file: {jsonl}");
        var files = jsonl is not null && args.Positional.Count == 0 ? [] : Files(args.Positional);
        var signer = Signer.From(args);
        var items = files.Select(f => new Item(Path.GetFileName(f), File.ReadAllBytes(f))).ToList();

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        var d = MarketSession.Require(await s.Client.GetDatanetAsync(datanet), datanet, "datanet");
        if (jsonl is not null)
        {
            // Every line is checked against the datanet's task format before anything is uploaded.
            var maxBytes = GenesisFile.From(args).Load().Marketplace.MaxContributionBytes;
            items.AddRange(JsonlExamples.Read(jsonl, d.Task, maxBytes).Select(e => new Item($"{Path.GetFileName(jsonl)}:{e.Line}", e.Content)));
        }
        output.WriteLine($"datanet {d.Id} ({d.Name}): fee {MarketSession.Open(d.FeePerKb)} per started KiB, stake {MarketSession.Open(d.Stake)} per contribution");

        // Upload first: the node admits a Contribute only for content it holds, with the hashes and size it declares.
        foreach (var item in items)
        {
            StoredContent put;
            try { put = await s.Client.UploadAsync(item.Content, d.Id); } // the node checks the task format here, before anything is sent
            catch (GraphQLRequestException e) { item.Problem = $"upload failed: {e.Code}: {e.Detail}"; continue; }
            if (put.Hash != item.Digest.ContentHash || put.NormalizedHash != item.Digest.NormalizedHash || put.Size != item.Digest.Size)
                item.Problem = $"upload failed: the node's hashes ({put.Hash}, {put.NormalizedHash}, {put.Size} bytes) differ from this client's";
        }

        // One transaction per uploaded item, consecutive nonces, one gateway call.
        var sending = items.Where(i => i.Problem is null).ToList();
        var sent = await s.SendBatchAsync(signer, sending.Select(item =>
            (ITxBody)new Contribute(d.Id, item.Digest.ContentHash, item.Digest.NormalizedHash, (ulong)item.Digest.Size)).ToList());
        for (int k = 0; k < sending.Count; k++) sending[k].Sent = sent[k];

        var width = Math.Max(4, items.Max(i => i.Name.Length));
        foreach (var item in items)
        {
            // The fee is charged only when the contribution commits; a refused or failed one pays gas only.
            var charged = item.Outcome is { Accepted: true, Error: null } && d.TryFee((ulong)item.Digest.Size, out var fee) ? MarketSession.Open(fee) : "-";
            var id = item.Outcome?.Hash.ToString() ?? new string('-', 66);
            var status = item.Problem ?? item.Sent!.Describe();
            output.WriteLine($"{item.Name.PadRight(width)}  {id}  {item.Digest.Size,8} bytes  fee {charged}  {status}");
        }

        // Near-duplicates, for the contributions now committed: other contributions of the datanet with similar content.
        var committed = items.Where(i => i.Sent is { Problem: null, Outcome.Succeeded: true }).ToList();
        var names = committed.ToDictionary(i => i.Outcome!.Hash, i => i.Name);
        foreach (var item in committed)
            foreach (var near in await s.Client.GetNearDuplicatesAsync(item.Outcome!.Hash))
                output.WriteLine($"warning: {item.Name} is a near-duplicate of {(names.TryGetValue(near.Contribution, out var n) ? n + " " : "")}" +
                                 $"{near.Contribution} (similarity {near.Similarity:0.00})");

        var ok = signer.NoWait ? items.Count(i => i.Sent is { Problem: null, Outcome.Accepted: true }) : committed.Count;
        var noun = jsonl is not null && files.Count == 0 ? "example" : "file";
        output.WriteLine($"{ok} of {items.Count} {noun}{(items.Count == 1 ? "" : "s")} {(signer.NoWait ? "submitted" : "contributed")}");
        return ok == items.Count ? 0 : 1;
    }

    /// <summary>The files named: a directory stands for every regular file directly in it, sorted by name.</summary>
    private static List<string> Files(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new UsageException("usage: openledger contribute --datanet ID FILE|DIR... | --jsonl FILE (give at least one file or directory, after the options, or a JSONL file)");
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                var inDir = new DirectoryInfo(p).EnumerateFiles()
                    .Where(f => (f.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) == 0)
                    .Select(f => f.FullName).Order(StringComparer.Ordinal).ToList();
                if (inDir.Count == 0) throw new UsageException($"directory {p} holds no files");
                files.AddRange(inDir);
            }
            else if (File.Exists(p)) files.Add(Path.GetFullPath(p));
            else throw new UsageException($"no such file or directory: {p}");
        }
        return files;
    }
}
