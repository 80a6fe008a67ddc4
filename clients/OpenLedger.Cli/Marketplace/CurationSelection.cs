using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Cli.Marketplace;

/// <summary>Which contributions `openledger curate` decides, as the command line says: ids (<c>--contribution ID</c>,
/// repeated or comma-separated, and/or <c>--file PATH</c>, one id a line, <c>#</c> starts a comment), or
/// <c>--all-pending --datanet ID</c> with its filters. Parsed before the verb connects: a mistake is a usage error.</summary>
public sealed record CurationSelection(IReadOnlyList<Hash32> Ids, PendingFilter? Pending, bool FromFile)
{
    /// <summary>One id on the command line and nothing else: the single curation of before batches (it may also
    /// exclude an approved contribution with --reject, which a batch refuses as NotPending).</summary>
    public bool IsSingle => Pending is null && !FromFile && Ids.Count == 1;

    public static CurationSelection From(Args args)
    {
        var fromIds = args.Has("contribution") || args.Has("file");
        if (args.Has("all-pending"))
        {
            if (args.Get("all-pending") is { } stray) throw new UsageException($"--all-pending takes no value (got '{stray}'); give the datanet with --datanet");
            if (fromIds) throw new UsageException("give either ids (--contribution, --file) or --all-pending --datanet ID, not both");
            return new CurationSelection([], PendingFilter.From(args), false);
        }
        foreach (var name in PendingFilter.Options)
            if (args.Has(name)) throw new UsageException($"--{name} filters --all-pending: give --all-pending --datanet ID");
        if (!fromIds) throw new UsageException("--contribution is required: the contribution id (0x + 64 hex); or --file PATH, or --all-pending --datanet ID");

        var ids = args.Values("contribution").SelectMany(v => Options.Hashes(v, "contribution", "contribution")).ToList();
        if (args.FullPath("file") is { } path) ids.AddRange(ReadFile(path));
        if (ids.Count == 0) throw new UsageException("no contribution ids given");
        return new CurationSelection(ids, null, args.Has("file"));
    }

    private static IEnumerable<Hash32> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--file: no such file: {path}");
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            var text = lines[i].Split('#', 2)[0];
            foreach (var id in Options.List(text))
                yield return Hash32.TryParse(id, out var h) ? h
                    : throw new UsageException($"--file {Path.GetFileName(path)} line {i + 1}: '{id}' is not a contribution id (0x + 64 hex)");
        }
    }
}
