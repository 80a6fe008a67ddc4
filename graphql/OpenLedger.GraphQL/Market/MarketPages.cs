using GraphQL.Builders;
using GraphQL.Types.Relay.DataObjects;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>Relay pages of marketplace objects and events. Objects page by their state-tree index (newest first),
/// events by (height, sequence) (newest first); cursors are opaque base64: "o:index" for objects (and for other
/// integer positions such as a version number), the ledger's "height:seq" for events.</summary>
internal static class MarketPages
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    /// <summary>The most objects one store query returns (the store's own cap).</summary>
    private const int StoreBatch = 1000;

    public static int First(int? first) => Math.Clamp(first ?? DefaultPageSize, 1, MaxPageSize);

    public static string EncodePosition(int position) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"o:{position}"));

    public static int? DecodePosition(string? cursor)
    {
        if (cursor is null) return null;
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(cursor));
            if (text.StartsWith("o:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(2), System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out var p) && p >= -1)
                return p;
        }
        catch (FormatException) { }
        throw new InvalidInputError("BAD_CURSOR", $"'{cursor}' is not a cursor this list issued");
    }

    /// <summary>A page of objects of one kind matching <paramref name="query"/>'s filters, newest first (or oldest
    /// first, for a queue).</summary>
    public static async Task<Connection<T>> ObjectsAsync<T>(IResolveConnectionContext ctx, MarketObjectQuery query, bool descending = true) where T : class, IMarketObject
    {
        var first = First(ctx.First);
        var after = DecodePosition(ctx.After);
        var views = await ctx.MarketQuery().QueryObjectsAsync(query with { AfterIndex = after, Limit = first + 1, Descending = descending });
        var rows = views.Select(v => (Position: v.Index, Node: (T)v.Object)).ToList();
        var connection = Build(rows, first, hasPrevious: after is not null);
        if (WantsTotalCount(ctx)) connection.TotalCount = await ctx.MarketQuery().CountObjectsAsync(query, MaxTotalCount);
        return connection;
    }

    /// <summary>Every object matching the filters, oldest first (for lists that are ordered by something other than the
    /// tree index, such as a version's contributions in approval order).</summary>
    public static async Task<List<T>> AllObjectsAsync<T>(IMarketQueryGrain grain, MarketObjectQuery query) where T : class, IMarketObject
    {
        var all = new List<T>();
        int? after = null;
        while (true)
        {
            var views = await grain.QueryObjectsAsync(query with { AfterIndex = after, Limit = StoreBatch, Descending = false });
            all.AddRange(views.Select(v => (T)v.Object));
            if (views.Count < StoreBatch) return all;
            after = views[^1].Index;
        }
    }

    /// <summary>A page of events matching <paramref name="query"/>'s filters, newest first.</summary>
    public static async Task<Connection<MarketEventMessage>> EventsAsync(IResolveConnectionContext ctx, MarketEventQuery query)
    {
        var first = First(ctx.First);
        var after = Cursors.Decode(ctx.After);
        var page = query with
        {
            BeforeHeight = after?.Height,
            BeforeSeq = after?.Index ?? int.MaxValue,
            Limit = first + 1,
        };
        var grain = ctx.MarketQuery();
        var events = await grain.QueryEventsAsync(page);
        // A model's reward credits are kept apart by the store (their own index): asked for with other kinds, they are
        // read as a second page from the same cursor and merged, newest first (asked for alone, the store reads them).
        if (query is { Model: not null, Datanet: null } && (query.Kinds is not { Length: > 0 } kinds || kinds.Length > 1 && kinds.Contains(MarketEventKind.RewardCredited)))
        {
            var credits = await grain.QueryEventsAsync(page with { Kinds = [MarketEventKind.RewardCredited] });
            events = MergeNewestFirst(events, credits, first + 1);
        }
        int? total = null;
        if (WantsTotalCount(ctx))
        {
            total = await grain.CountEventsAsync(query, MaxTotalCount);
            if (total is not null && query is { Model: not null, Datanet: null } && (query.Kinds is not { Length: > 0 } k || k.Length > 1 && k.Contains(MarketEventKind.RewardCredited)))
                total = await grain.CountEventsAsync(query with { Kinds = [MarketEventKind.RewardCredited] }, MaxTotalCount) is { } credits && total + credits <= MaxTotalCount
                    ? total + credits : null;
        }
        return Cursors.Page(events, first, e => new Cursors.Position(e.Height, e.Sequence), totalCount: total, hasPrevious: after is not null);
    }

    /// <summary>The most a connection's totalCount counts: beyond it, totalCount is null (counting reads one index
    /// entry per item, so an unbounded count would let a cheap query read a whole table).</summary>
    public const int MaxTotalCount = 10_000;

    // Counting costs a query of its own: only when the document asks for it.
    private static bool WantsTotalCount(IResolveConnectionContext ctx) => ctx.SubFields?.ContainsKey("totalCount") == true;

    /// <summary>The first <paramref name="limit"/> of two newest-first event lists, newest first.</summary>
    public static List<MarketEventMessage> MergeNewestFirst(IReadOnlyList<MarketEventMessage> a, IReadOnlyList<MarketEventMessage> b, int limit) =>
        a.Concat(b).OrderByDescending(e => e.Height).ThenByDescending(e => e.Sequence).Take(limit).ToList();

    /// <summary>Every event matching the filters, newest first (for short lists such as an inference's rewards).</summary>
    public static async Task<List<MarketEventMessage>> AllEventsAsync(IMarketQueryGrain grain, MarketEventQuery query)
    {
        var all = new List<MarketEventMessage>();
        while (true)
        {
            var events = await grain.QueryEventsAsync(query with { Limit = StoreBatch });
            all.AddRange(events);
            if (events.Count < StoreBatch) return all;
            query = query with { BeforeHeight = events[^1].Height, BeforeSeq = events[^1].Sequence };
        }
    }

    /// <summary>Builds a connection from up to first + 1 rows in page order (the extra one only says a next page exists).</summary>
    public static Connection<T> Build<T>(IReadOnlyList<(int Position, T Node)> rows, int first, bool hasPrevious)
    {
        var edges = rows.Take(first).Select(r => new Edge<T> { Node = r.Node, Cursor = EncodePosition(r.Position) }).ToList();
        return new Connection<T>
        {
            Edges = edges,
            PageInfo = new PageInfo
            {
                HasNextPage = rows.Count > first,
                HasPreviousPage = hasPrevious,
                StartCursor = edges.FirstOrDefault()?.Cursor,
                EndCursor = edges.LastOrDefault()?.Cursor,
            },
        };
    }
}
