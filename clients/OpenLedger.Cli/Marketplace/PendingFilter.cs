using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Cli.Marketplace;

/// <summary>The pending contributions of one datanet that <c>curate --all-pending</c> takes: optionally one
/// contributor's, with or without near-duplicates, the oldest <see cref="Limit"/> (their deadlines come first).</summary>
public sealed record PendingFilter(Hash32 Datanet, Address? Contributor, bool? NearDuplicates, int Limit)
{
    /// <summary>The most transactions one gateway call takes (the node's sendTransactions limit).</summary>
    public const int MaxBatch = 1_000;

    public static readonly string[] Options = ["contributor", "without-near-duplicates", "near-duplicates-only", "limit"];

    public static PendingFilter From(Args args)
    {
        var datanet = CommandLine.Options.Id(args, "datanet", "datanet");
        if (args.Has("without-near-duplicates") && args.Has("near-duplicates-only"))
            throw new UsageException("give at most one of --without-near-duplicates and --near-duplicates-only");
        bool? near = args.Has("near-duplicates-only") ? true : args.Has("without-near-duplicates") ? false : null;
        return new PendingFilter(datanet, CommandLine.Options.OptionalAddress(args, "contributor"), near, args.GetInt("limit", MaxBatch, 1, MaxBatch));
    }
}
