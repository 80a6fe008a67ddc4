using GraphQL;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenLedger.GraphQL.Transport.Execution;

namespace OpenLedger.GraphQL.Transport.Http;

/// <summary>
/// GraphQL over HTTP (the GraphQL-over-HTTP draft): negotiate the response media type, accept GET and POST, read and
/// check the request, refuse what the method cannot carry, execute, and answer with the spec's status code.
/// </summary>
internal sealed class GraphQLHttpHandler(GraphQLOperationExecutor executor, IOptions<GraphQLHttpOptions> httpOptions)
{
    private readonly bool _legacyJsonWhenAcceptMissing = httpOptions.Value.LegacyJsonWhenAcceptMissing;

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await AnswerAsync(context).ConfigureAwait(false);
        }
        // A client that leaves mid-request (a killed CLI, a closed tab) is not the node's failure: one short debug line,
        // no stack trace. Aborting skips Kestrel's draining of a body whose reader the reset left mid-read.
        catch (IOException e) when (e is ConnectionResetException || context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger<GraphQLHttpHandler>()
                .LogDebug("client left during request {Connection}: {Reason}", context.Connection.Id, e.Message);
            context.Abort();
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var serializer = context.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        var mediaType = AcceptNegotiator.Negotiate(request.Headers.Accept, _legacyJsonWhenAcceptMissing);

        var isGet = HttpMethods.IsGet(request.Method);
        if (!isGet && !HttpMethods.IsPost(request.Method))
        {
            await GraphQLHttpResponder.WriteErrorAsync(context, serializer, mediaType ?? ResponseMediaType.Json,
                new HttpTransportError(StatusCodes.Status405MethodNotAllowed, GraphQLErrorCodes.MethodNotAllowed,
                    "GraphQL requests use GET or POST.", Allow: "GET, POST")).ConfigureAwait(false);
            return;
        }

        // The spec recommends 406 and stopping, over answering in a type the client did not ask for.
        if (mediaType is not { } responseType)
        {
            await GraphQLHttpResponder.WriteErrorAsync(context, serializer, ResponseMediaType.Json,
                new HttpTransportError(StatusCodes.Status406NotAcceptable, GraphQLErrorCodes.NotAcceptable,
                    $"Accept must allow {ResponseMediaTypes.GraphQLResponseJson} or {ResponseMediaTypes.Json}.")).ConfigureAwait(false);
            return;
        }

        var (operationRequest, readError) = isGet
            ? HttpRequestReader.ReadGet(request.Query, serializer)
            : await HttpRequestReader.ReadPostAsync(request, executor.Limits, serializer, context.RequestAborted).ConfigureAwait(false);
        if (readError is not null)
        {
            await GraphQLHttpResponder.WriteErrorAsync(context, serializer, responseType, readError).ConfigureAwait(false);
            return;
        }

        var document = executor.Documents.GetOrParse(operationRequest!.Query, operationRequest.OperationName);

        // GET is a safe method: a mutation over it is refused before anything runs.
        if (isGet && document.OperationType == OperationType.Mutation)
        {
            await GraphQLHttpResponder.WriteErrorAsync(context, serializer, responseType,
                new HttpTransportError(StatusCodes.Status405MethodNotAllowed, GraphQLErrorCodes.MethodNotAllowed,
                    "Mutations must be sent with POST.", Allow: "POST")).ConfigureAwait(false);
            return;
        }

        ExecutionResult result;
        if (document.OperationType == OperationType.Subscription)
        {
            // A single HTTP response cannot carry an event stream; subscriptions live on the WebSocket at this path.
            result = new ExecutionResult(new RequestRejectedError(GraphQLErrorCodes.OperationNotSupported,
                "Subscriptions are served over WebSocket (subprotocol graphql-transport-ws) at this URL."));
        }
        else
        {
            try
            {
                result = await executor.ExecuteAsync(operationRequest, document, context.RequestServices, context.User, context.RequestAborted)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return; // the client is gone; there is no one to answer
            }
        }

        try
        {
            await GraphQLHttpResponder.WriteResultAsync(context, serializer, responseType, result,
                GraphQLHttpResponder.StatusCodeFor(result, responseType), executor.Limits.MaxResponseBytes).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client left while the response was being written
        }
    }
}
