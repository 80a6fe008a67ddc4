using GraphQL;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Feeds;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Schema;

namespace OpenLedger.GraphQL.Hosting;

/// <summary>Registers the schema, its graph types, the System.Text.Json serializer, the block feed and the shared
/// "market" stream subscriptions. The host must also provide an <c>IGrainFactory</c> and <c>IClusterClient</c> (a
/// silo's, or an Orleans client's) with the "market" stream provider (<c>AddOpenLedgerStreams()</c> on the silo or
/// client builder).</summary>
public static class GraphQLServiceCollectionExtensions
{
    public static IServiceCollection AddOpenLedgerSchema(this IServiceCollection services)
    {
        services.AddSingleton<BlockFeed>();
        services.TryAddSingleton(new BlockMerkleTrees());
        services.AddHostedService(sp => sp.GetRequiredService<BlockFeed>());
        // One Orleans subscription per "market" stream in this process, shared by every GraphQL subscription to it.
        // They survive a silo's death: a gap in a stream is read from the store, and a silo's loss re-subscribes them.
        services.TryAddSingleton<MarketStreamGaps>();
        services.TryAddSingleton<SiloLossWatch>();
        services.TryAddSingleton<MarketEventSubscriptions>();
        // Content uploads are anonymous: each client's bytes a minute are budgeted (the host may register its own).
        services.TryAddSingleton(new UploadQuota());
        services.AddGraphQL(b => b
            .AddSchema<LedgerSchema>()
            .AddGraphTypes(typeof(LedgerSchema).Assembly)
            .AddSystemTextJson()
            .AddErrorInfoProvider(o => o.ExposeCode = true)
            // A grain whose role no running silo has: ROLE_UNAVAILABLE and the role to start, not Orleans' placement error.
            .AddUnhandledExceptionHandler(RoleUnavailableErrors.Handle));
        return services;
    }
}
