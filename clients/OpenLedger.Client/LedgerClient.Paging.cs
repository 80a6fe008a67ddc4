using System.Text.Json;

namespace OpenLedger.Client;

// Lists longer than one page: the node serves connections at most MaxPage items at a time, newest first, with a cursor.
public sealed partial class LedgerClient
{
    /// <summary>The most items the node returns in one page of a connection.</summary>
    public const int MaxPage = 100;

    /// <summary>Up to <paramref name="limit"/> items of a connection, following its cursor page after page.
    /// <paramref name="document"/> takes <c>$n: Int</c> and <c>$after: String</c> and selects
    /// <c>nodes { ... } pageInfo { hasNextPage endCursor }</c> of the connection <paramref name="connection"/> finds.
    /// <paramref name="pageSize"/> is smaller than <see cref="MaxPage"/> for selections too costly for a full page.</summary>
    private async Task<List<T>> CollectAsync<T>(string document, Func<string?, int, object> variables, Func<JsonElement, JsonElement?> connection,
        Func<JsonElement, T> read, int limit, CancellationToken ct, int pageSize = MaxPage)
    {
        var items = new List<T>();
        string? after = null;
        while (items.Count < limit)
        {
            if (connection(await QueryAsync(document, variables(after, Math.Min(limit - items.Count, pageSize)), ct)) is not { } page) break;
            items.AddRange(page.Req("nodes").EnumerateArray().Select(read));
            var info = page.Req("pageInfo");
            if (!info.Bool("hasNextPage") || info.OptStr("endCursor") is not { } cursor) break;
            after = cursor;
        }
        return items;
    }
}
