using GraphQL;
using GraphQL.Execution;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.GraphQL.Hosting;

/// <summary>A resolver whose grain no live silo hosts (no silo of the grain's role runs) fails inside Orleans with a
/// placement exception that means nothing to a client; it is answered as <see cref="RoleUnavailable.Code"/> with the role
/// to start. The error is for that field only: the rest of the request, and the node, go on.</summary>
public static class RoleUnavailableErrors
{
    public static void Handle(UnhandledExceptionContext context)
    {
        if (RoleUnavailable.Describe(context.OriginalException) is not { } message) return;
        context.ErrorMessage = message;
        context.Exception = new ExecutionError(message) { Code = RoleUnavailable.Code };
    }
}
