using GraphQL;
using GraphQL.Execution;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using OpenLedger.GraphQL.Transport.Execution;

namespace OpenLedger.GraphQL.Transport.Http;

/// <summary>
/// Writes a GraphQL response with the status code the GraphQL-over-HTTP draft gives it:
/// <list type="bullet">
/// <item><c>application/graphql-response+json</c>: 200 when execution started (the response has <c>data</c>, even
/// <c>null</c>); 400 for a request error that stopped it before (parse, validation, limits, operation selection,
/// variable coercion); 500 when the server failed before execution for a reason of its own.</item>
/// <item><c>application/json</c>: 200 for every well-formed request, errors or not, because legacy clients trust a
/// body only with status 200 (an intermediary may have produced anything else).</item>
/// </list>
/// Requests that are not well-formed never reach here: they get their <see cref="HttpTransportError"/> status.
/// </summary>
internal static class GraphQLHttpResponder
{
    public static int StatusCodeFor(ExecutionResult result, ResponseMediaType mediaType)
    {
        if (mediaType == ResponseMediaType.Json || result.Executed) return StatusCodes.Status200OK;
        var requestErrorsOnly = result.Errors is { Count: > 0 } errors && errors.All(e => e is DocumentError or RequestError);
        return requestErrorsOnly ? StatusCodes.Status400BadRequest : StatusCodes.Status500InternalServerError;
    }

    /// <summary>
    /// Writes a result, serialised first into a buffer bounded by <paramref name="maxBytes"/>: a larger one is answered
    /// with <see cref="GraphQLErrorCodes.ResponseTooLarge"/> instead (status 200, since only an executed result can be large).
    /// </summary>
    public static async Task WriteResultAsync(HttpContext context, IGraphQLTextSerializer serializer, ResponseMediaType mediaType,
        ExecutionResult result, int statusCode, long maxBytes)
    {
        using var body = await BoundedResponse.SerializeAsync(serializer, result, maxBytes, context.RequestAborted).ConfigureAwait(false);
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = ResponseMediaTypes.ContentType(mediaType);
        response.ContentLength = body.Memory.Length;
        // The same URL answers differently per Accept header; caches must key on it.
        response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        await response.BodyWriter.WriteAsync(body.Memory, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task WriteSmallResultAsync(HttpContext context, IGraphQLTextSerializer serializer, ResponseMediaType mediaType,
        ExecutionResult result, int statusCode)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = ResponseMediaTypes.ContentType(mediaType);
        response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        return serializer.WriteAsync(response.Body, result, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, IGraphQLTextSerializer serializer, ResponseMediaType mediaType,
        HttpTransportError error)
    {
        if (error.Allow is { } allow)
            context.Response.Headers.Allow = allow;
        // No "data" key: nothing was executed.
        var result = new ExecutionResult { Executed = false, Errors = [new ExecutionError(error.Message) { Code = error.Code }] };
        return WriteSmallResultAsync(context, serializer, mediaType, result, error.StatusCode);
    }
}
