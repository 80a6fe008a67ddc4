using GraphQL;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.GraphQL.Feeds;
using OpenLedger.GraphQL.Schema;

namespace OpenLedger.GraphQL.Hosting;

/// <summary>Registers the schema, its graph types, the System.Text.Json serializer and the block feed.
/// The host must also provide an <c>IGrainFactory</c> (a silo's, or an Orleans client's).</summary>
public static class GraphQLServiceCollectionExtensions
{
    public static IServiceCollection AddOpenLedgerSchema(this IServiceCollection services)
    {
        services.AddSingleton<BlockFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<BlockFeed>());
        services.AddGraphQL(b => b
            .AddSchema<LedgerSchema>()
            .AddGraphTypes(typeof(LedgerSchema).Assembly)
            .AddSystemTextJson()
            .AddErrorInfoProvider(o => o.ExposeCode = true));
        return services;
    }
}
