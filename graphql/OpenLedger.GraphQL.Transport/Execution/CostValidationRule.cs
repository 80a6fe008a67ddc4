using GraphQL.Validation;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// The gateway's page, depth and cost limits as a validation rule, in place of GraphQL.NET's
/// <c>ComplexityValidationRule</c> (which expands fragments per path, and ignores cancellation). It runs after the
/// specification's rules and after arguments are parsed, so page sizes given by variables are known; see
/// <see cref="CostAnalyzer"/>. Refusals are <see cref="LimitExceededError"/>s, each with its own code, so a client can
/// tell "simplify your query" from "your query is wrong".
/// </summary>
internal sealed class CostValidationRule(GraphQLLimits limits) : ValidationRuleBase
{
    public override ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context)
    {
        if (!context.HasErrors && context.Operation is not null)
            CostAnalyzer.Run(context, limits);
        return default;
    }
}
