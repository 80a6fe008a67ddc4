using GraphQL.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenLedger.GraphQL.Transport.Execution;
using OpenLedger.GraphQL.Transport.Http;
using OpenLedger.GraphQL.Transport.WebSockets;

namespace OpenLedger.GraphQL.Transport;

/// <summary>Registers the transports' services.</summary>
public static class GraphQLTransportServiceCollectionExtensions
{
    /// <summary>
    /// Adds the GraphQL-over-HTTP and <c>graphql-transport-ws</c> transports. They execute the host's GraphQL.NET set-up,
    /// which the host registers itself, e.g.
    /// <c>services.AddGraphQL(b => b.AddSchema&lt;LedgerSchema&gt;().AddGraphTypes().AddSystemTextJson())</c>
    /// (the transports need <c>ISchema</c>, <c>IDocumentExecuter</c> and <c>IGraphQLTextSerializer</c>).
    /// Then map the endpoint with <c>app.UseWebSockets(); app.MapOpenLedgerGraphQL("/graphql");</c>.
    /// </summary>
    public static IServiceCollection AddOpenLedgerGraphQLTransport(this IServiceCollection services,
        Action<GraphQLLimits>? configureLimits = null, Action<GraphQLHttpOptions>? configureHttp = null)
    {
        services.AddOptions<GraphQLLimits>();
        services.AddOptions<GraphQLHttpOptions>();
        if (configureLimits is not null) services.Configure(configureLimits);
        if (configureHttp is not null) services.Configure(configureHttp);

        services.TryAddSingleton<GraphQLTransportCounters>();
        services.TryAddSingleton<GraphQLOperationExecutor>();
        services.TryAddSingleton<GraphQLHttpHandler>();
        services.TryAddSingleton<GraphQLWsHandler>();
        ReuseValidationResults(services);
        return services;
    }

    /// <summary>
    /// Wraps the host's document validator (or GraphQL.NET's, when the host registers it later) in
    /// <see cref="ReusedValidationResults"/>, once.
    /// </summary>
    private static void ReuseValidationResults(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ValidatorWrapped))) return;
        services.AddSingleton<ValidatorWrapped>();
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IDocumentValidator) && !d.IsKeyedService);
        if (registered is null)
        {
            services.AddSingleton<IDocumentValidator>(new ReusedValidationResults(new DocumentValidator()));
            return;
        }
        services.Remove(registered);
        services.Add(ServiceDescriptor.Describe(typeof(IDocumentValidator),
            sp => new ReusedValidationResults(Create(registered, sp)), registered.Lifetime));
    }

    /// <summary>Says the validator is wrapped already (the transport may be added twice).</summary>
    private sealed class ValidatorWrapped;

    private static IDocumentValidator Create(ServiceDescriptor registered, IServiceProvider services) =>
        (IDocumentValidator)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, registered.ImplementationType!));
}
