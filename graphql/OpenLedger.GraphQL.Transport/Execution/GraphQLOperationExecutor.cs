using System.Security.Claims;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
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
    private readonly IValidationRule[] _variableDependentRules;

    public GraphQLOperationExecutor(IOptions<GraphQLLimits> limits)
    {
        _limits = limits.Value;
        _limits.Validate();
        var cost = new CostValidationRule(_limits);
        // The limits run after the specification's rules: the analyzer assumes a document that is already valid.
        _validationRules = [.. DocumentValidator.CoreRules, cost];
        // The specification's rules depend on the document alone; the cost rule also on the variables (page sizes,
        // @skip/@include conditions). Variable coercion itself runs on every request whatever the rules.
        _variableDependentRules = [cost];
        Documents = new DocumentCache(_limits.DocumentCacheEntries, _limits.DocumentCacheBytes);
    }

    public GraphQLLimits Limits => _limits;

    /// <summary>The documents already validated, which both transports look up before parsing.</summary>
    public DocumentCache Documents { get; }

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
        // Before GraphQL.NET sees the document: some of its rules are quadratic in fields, and it recurses through spreads.
        // A cached document passed this already: the shape depends on the text and the operation alone.
        if (!document.Validated && DocumentShape.Check(document.Document!, document.Operation, _limits) is { } shapeError)
            return new ExecutionResult(shapeError);

        // Large values charge their size as they resolve; the first past the limit cancels the rest of the request.
        using var requestCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var subscription = document.OperationType == OperationType.Subscription;
        var budget = new ResponseBudget(_limits.MaxResponseBytes, cumulative: !subscription,
            onExceeded: subscription ? null : () => CancelQuietly(requestCancellation));

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
            // A subscription's token must outlive this call (its events resolve later); the operation's own token does.
            CancellationToken = subscription ? cancellationToken : requestCancellation.Token,
            UserContext = new Dictionary<string, object?> { [ResponseBudget.UserContextKey] = budget },
            ValidationRules = !document.Validated ? _validationRules : document.HasVariables ? _variableDependentRules : [],
            Timeout = _limits.ExecutionTimeout,
            // An error in the result, not an exception: a timed-out query is still answered as GraphQL.
            TimeoutAction = TimeoutAction.ReturnTimeoutError,
        };

        ExecutionResult result;
        try
        {
            result = await services.GetRequiredService<IDocumentExecuter>().ExecuteAsync(options).ConfigureAwait(false);
            // Execution started, so validation passed (GraphQL.NET reports a timeout, even one during validation, as
            // not executed): the document is kept for the next request with the same text and operation name.
            if (result.Executed && !document.Validated)
                Documents.Add(request.Query, request.OperationName, document.AsValidated());
        }
        catch (OperationCanceledException) when (budget.Exceeded && !cancellationToken.IsCancellationRequested)
        {
            result = BoundedResponse.TooLarge(_limits.MaxResponseBytes);
        }
        // A query past its response budget answers with that alone, not with the part that fitted.
        if (budget.Exceeded && !subscription)
            result = BoundedResponse.TooLarge(_limits.MaxResponseBytes);

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

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (AggregateException)
        {
            // A callback registered on the token threw; the request is over regardless.
        }
    }
}
