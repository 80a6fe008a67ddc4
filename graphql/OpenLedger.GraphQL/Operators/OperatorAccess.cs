using System.Net;
using System.Security.Claims;
using GraphQL;

namespace OpenLedger.GraphQL.Operators;

/// <summary>
/// Who is asking. The host puts two facts on every request's user: the client's network address (quotas are per
/// client) and, when the request carries the node's operator token, the operator role. Node administration
/// (training jobs, the adapter cache) is for the operator, not for whoever reaches the public API: those fields
/// refuse everyone else with <c>OPERATOR_REQUIRED</c>.
/// </summary>
public static class OperatorAccess
{
    public const string Role = "openledger-operator";
    public const string RequiredCode = "OPERATOR_REQUIRED";
    private const string ClientClaim = "openledger-client";

    /// <summary>The user the host gives a request from <paramref name="client"/>.</summary>
    public static ClaimsPrincipal Principal(IPAddress? client, bool isOperator)
    {
        var claims = new List<Claim> { new(ClientClaim, client?.ToString() ?? "unknown") };
        if (isOperator) claims.Add(new Claim(ClaimTypes.Role, Role));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, isOperator ? "OperatorToken" : null));
    }

    public static bool IsOperator(ClaimsPrincipal? user) => user?.IsInRole(Role) == true;

    /// <summary>The client's address as the host saw it ("unknown" when the host did not say).</summary>
    public static string Client(ClaimsPrincipal? user) => user?.FindFirst(ClientClaim)?.Value ?? "unknown";

    /// <summary>Throws the field's error unless the request was made by the operator.</summary>
    public static void RequireOperator(this IResolveFieldContext context)
    {
        if (!IsOperator(context.User))
            throw new ExecutionError($"'{context.FieldDefinition.Name}' administers this node: send the operator token " +
                                     "(Authorization: Bearer <contents of DATA_DIR/operator.token>)") { Code = RequiredCode };
    }
}
