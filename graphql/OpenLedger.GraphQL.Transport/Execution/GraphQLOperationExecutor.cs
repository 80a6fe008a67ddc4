using System.Security.Claims;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// Runs one well-formed request against the host's <see cref="ISchema"/> with the host's <see cref="IDocumentExecuter"/>,
/// adding what both transports need on top: the <see cref="GraphQLLimits"/> checks, the execution timeout, and
/// normalised error codes. The transports differ only in how a request arrives and how its result leaves.
/// </summary>
internal sealed class GraphQLOperationExecutor
{
    private readonly GraphQLLimits _limits;
    private readonly IValidationRule[] _validationRules;

    public GraphQLOperationExecutor(IOptions<GraphQLLimits> limits)
    {
        _limits = limits.Value;
        _limits.Validate();
        var limitsRule = LimitsValidationRule.Create(_limits);
        // The limits run after the specification's rules: the analyzer assumes a document that is already valid.
        _validationRules = limitsRule is null ? DocumentValidator.CoreRules.ToArray() : [.. DocumentValidator.CoreRules, limitsRule];
    }

    public GraphQLLimits Limits => _limits;

    /// <summary>
    /// Executes the request. Services are the caller's scope (the HTTP request, or the WebSocket connection), so
    /// scoped services resolved by resolvers live exactly as long as the request that needs them.
    /// </summary>
    /// <exception cref="OperationCanceledException">when <paramref name="cancellationToken"/> is cancelled (client gone).</exception>
    public async Task<ExecutionResult> ExecuteAsync(GraphQLOperationRequest request, OperationDocument document,
        IServiceProvider services, ClaimsPrincipal? user, CancellationToken cancellationToken)
    {
        if (document.ParseError is { } parseError)
            return new ExecutionResult(parseError);

        var options = new ExecutionOptions
        {
            Schema = services.GetRequiredService<ISchema>(),
            Query = request.Query,
            // Already parsed by the transport; GraphQL.NET skips its own parse when Document is set.
            Document = document.Document,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = services,
            User = user,
            CancellationToken = cancellationToken,
            ValidationRules = _validationRules,
            Timeout = _limits.ExecutionTimeout,
            // An error in the result, not an exception: a timed-out query is still answered as GraphQL.
            TimeoutAction = TimeoutAction.ReturnTimeoutError,
        };

        var result = await services.GetRequiredService<IDocumentExecuter>().ExecuteAsync(options).ConfigureAwait(false);

        // GraphQL.NET marks a timed-out result as "not executed", which would read as a request error (no data,
        // status 400). Execution did start (validation passed), so the response carries "data": null.
        if (result.Errors is { Count: > 0 } errors && errors.Any(e => e is TimeoutError))
        {
            result.Executed = true;
            result.Data = null;
        }

        ErrorCodeNormalizer.Normalize(result);
        return result;
    }
}
