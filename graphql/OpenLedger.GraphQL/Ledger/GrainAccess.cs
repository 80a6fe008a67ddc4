using GraphQL;
using GraphQL.DataLoader;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>How resolvers reach grains: the silo's IGrainFactory when hosted in a silo, an Orleans client's
/// when the gateway runs as its own process. Lists resolve children through batch loaders, so a page of
/// N blocks costs N parallel grain calls issued together, not N sequential ones.</summary>
internal static class GrainAccess
{
    public static IGrainFactory Grains(this IResolveFieldContext ctx) =>
        (ctx.RequestServices ?? throw new InvalidOperationException("no request services")).GetRequiredService<IGrainFactory>();

    public static IDataLoaderResult<BlockView?> LoadBlock(this IResolveFieldContext ctx, long height)
    {
        var grains = GrainReferences.Of(ctx.Grains());
        lock (ctx.UserContext)
        {
            if (!ctx.UserContext.TryGetValue("openledger.blocks", out var o) || o is not BatchLoader<long, BlockView?> loader)
            {
                loader = new BatchLoader<long, BlockView?>(async heights =>
                {
                    var views = await Task.WhenAll(heights.Select(h => grains.Block(h).GetAsync()));
                    return heights.Zip(views).ToDictionary(p => p.First, p => p.Second);
                });
                ctx.UserContext["openledger.blocks"] = loader;
            }
            return loader.Load(height);
        }
    }
}
