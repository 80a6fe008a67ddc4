using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// Gives every error in a result an <c>extensions.code</c> a client can branch on. GraphQL.NET names its parse and
/// validation errors after their classes (<c>SYNTAX_ERROR</c>, <c>FIELDS_ON_CORRECT_TYPE</c>, ...); clients expect the
/// common gateway codes instead, so those are rewritten (the validation rule's own code is kept as
/// <c>extensions.rule</c>). Errors raised by the application keep their code; one raised without a code gets
/// <see cref="GraphQLErrorCodes.ExecutionFailed"/>.
/// </summary>
internal static class ErrorCodeNormalizer
{
    private static readonly System.Reflection.Assembly GraphQLAssembly = typeof(ValidationError).Assembly;

    public static void Normalize(ExecutionResult result)
    {
        if (result.Errors is not { Count: > 0 } errors) return;
        foreach (var error in errors)
            Normalize(error);
    }

    public static void Normalize(ExecutionError error)
    {
        switch (error)
        {
            case LimitExceededError:
                break;
            case SyntaxError:
                error.Code = GraphQLErrorCodes.ParseFailed;
                break;
            // Only GraphQL.NET's own rules are renamed: a validation rule the schema adds speaks for the application.
            case ValidationError when error.GetType().Assembly == GraphQLAssembly:
                if (error.Code is { Length: > 0 } rule && rule != GraphQLErrorCodes.ValidationFailed)
                    (error.Extensions ??= new Dictionary<string, object?>())["rule"] = rule;
                error.Code = GraphQLErrorCodes.ValidationFailed;
                break;
            case TimeoutError:
                error.Code = GraphQLErrorCodes.Timeout;
                break;
            default:
                if (string.IsNullOrEmpty(error.Code))
                    error.Code = error is UnhandledError ? GraphQLErrorCodes.InternalServerError : GraphQLErrorCodes.ExecutionFailed;
                break;
        }
    }
}
