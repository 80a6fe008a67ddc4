using GraphQL;
using GraphQL.DataLoader;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Ledger;

namespace OpenLedger.GraphQL.Market;

/// <summary>How market resolvers read objects by id: through one per-request batch loader over
/// <see cref="IMarketQueryGrain.GetObjectsAsync"/>, so the datanets of a page of contributions (or the versions of a
/// model) cost one grain call, and each id is read at most once per request.</summary>
internal static class MarketLoading
{
    private const string LoaderKey = "openledger.market.objects";

    public static IMarketQueryGrain MarketQuery(this IResolveFieldContext ctx) => ctx.Grains().GetGrain<IMarketQueryGrain>(0);

    public static IDataLoaderResult<MarketObjectView?> LoadObject(this IResolveFieldContext ctx, Hash32 id)
    {
        var grains = ctx.Grains();
        lock (ctx.UserContext)
        {
            if (!ctx.UserContext.TryGetValue(LoaderKey, out var o) || o is not BatchLoader<Hash32, MarketObjectView?> loader)
            {
                loader = new BatchLoader<Hash32, MarketObjectView?>(async ids =>
                {
                    var views = await grains.GetGrain<IMarketQueryGrain>(0).GetObjectsAsync(ids);
                    return ids.Zip(views).ToDictionary(p => p.First, p => p.Second);
                });
                ctx.UserContext[LoaderKey] = loader;
            }
            return loader.Load(id);
        }
    }

    /// <summary>The object with this id if it is a <typeparamref name="T"/>; null when unknown or of another kind.</summary>
    public static IDataLoaderResult<T?> Load<T>(this IResolveFieldContext ctx, Hash32 id) where T : class, IMarketObject =>
        ctx.LoadObject(id).Map(v => v?.Object as T);

    /// <summary>Several objects of one kind, in the order of <paramref name="ids"/>; unknown ones left out.</summary>
    public static IDataLoaderResult<IReadOnlyList<T>> LoadMany<T>(this IResolveFieldContext ctx, IEnumerable<Hash32> ids) where T : class, IMarketObject =>
        new AllResult<T>(ids.Select(ctx.Load<T>).ToList());

    public static IDataLoaderResult<TOut> Map<TIn, TOut>(this IDataLoaderResult<TIn> source, Func<TIn, TOut> map) => new Mapped<TIn, TOut>(source, map);

    private sealed class Mapped<TIn, TOut>(IDataLoaderResult<TIn> source, Func<TIn, TOut> map) : IDataLoaderResult<TOut>
    {
        public async Task<TOut> GetResultAsync(CancellationToken cancellationToken = default) => map(await source.GetResultAsync(cancellationToken));

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }

    private sealed class AllResult<T>(IReadOnlyList<IDataLoaderResult<T?>> parts) : IDataLoaderResult<IReadOnlyList<T>> where T : class
    {
        public async Task<IReadOnlyList<T>> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var list = new List<T>(parts.Count);
            foreach (var p in parts)
                if (await p.GetResultAsync(cancellationToken) is { } v) list.Add(v);
            return list;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
