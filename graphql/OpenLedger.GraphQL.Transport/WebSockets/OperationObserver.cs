using GraphQL;
using OpenLedger.GraphQL.Transport.Execution;

namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>
/// Forwards one subscription's event stream to the client: each event as <c>next</c>, the end of the stream as
/// <c>complete</c>, a failed stream as <c>error</c>. It sends nothing once the operation has ended, so a late event from
/// a source that is still shutting down never reaches the client.
/// </summary>
internal sealed class OperationObserver(ActiveOperation operation, OperationRegistry registry, OutboundQueue outbound) : IObserver<ExecutionResult>
{
    public void OnNext(ExecutionResult value)
    {
        if (operation.IsCancelled) return;
        ErrorCodeNormalizer.Normalize(value);
        outbound.Enqueue(OutgoingMessage.Next(operation, value));
    }

    public void OnError(Exception error)
    {
        if (!registry.TryRemove(operation)) return;
        var executionError = error as ExecutionError
            ?? new ExecutionError("The event stream failed.") { Code = GraphQLErrorCodes.InternalServerError };
        ErrorCodeNormalizer.Normalize(executionError);
        outbound.Enqueue(OutgoingMessage.Error(operation, operation.Id, [executionError]));
        operation.Release();
    }

    public void OnCompleted()
    {
        if (!registry.TryRemove(operation)) return;
        outbound.Enqueue(OutgoingMessage.Complete(operation));
        operation.Release();
    }
}
