using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.Benchmarks.GraphQL;

/// <summary>The reference for the explorer query: a plain Kestrel endpoint in the same process, on its own port,
/// that does the least any server must do for the same answer: read the head from the chain grain, read the 20 block
/// views in parallel through the same grain factory, and write the same JSON shape with System.Text.Json.</summary>
public static class MinimalEndpoint
{
    public sealed record Node(long Height, string Hash, int TransactionCount);
    public sealed record Blocks(Dictionary<string, IReadOnlyList<Node>> blocks);
    public sealed record Data(Blocks data);

    /// <summary>The connection's list field, as the GraphQL schema names it (<c>nodes</c>, or GraphQL.NET's <c>items</c>).</summary>
    public static string ListField { get; set; } = "nodes";

    public static async Task<WebApplication> StartAsync(IGrainFactory grains, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(grains);
        var app = builder.Build();
        app.MapGet("/blocks", async (IGrainFactory g) =>
        {
            var head = (await g.GetGrain<IChainGrain>(0).GetInfoAsync()).HeadHeight;
            var heights = Enumerable.Range(0, 20).Select(i => head - i).Where(h => h >= 0);
            var views = await Task.WhenAll(heights.Select(h => g.GetGrain<IBlockGrain>(h).GetAsync()));
            var nodes = views.Where(v => v is not null).Select(v => new Node(v!.Height, v.Hash.ToString(), v.TransactionHashes.Count)).ToList();
            return Results.Json(new Data(new Blocks(new() { [ListField] = nodes })));
        });
        await app.StartAsync();
        return app;
    }
}
