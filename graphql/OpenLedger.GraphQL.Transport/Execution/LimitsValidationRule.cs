using GraphQL.Validation;
using GraphQL.Validation.Complexity;
using GraphQL.Validation.Rules.Custom;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// Depth and complexity limits, on GraphQL.NET 8's complexity analyzer (<see cref="ComplexityValidationRule"/>).
/// The analyzer's own thresholds report both limits as one <c>ComplexityError</c>; here its thresholds are left unset
/// and its validation delegate reports which limit was crossed, so each gets its own <c>extensions.code</c>.
/// <para>
/// Introspection is costed differently. The analyzer multiplies every list by 20, a guess at how long data lists are;
/// graphql-js's standard introspection query nests four lists and would cost about 240,000, so no client could load
/// the schema. Introspection lists are bounded by the schema, not by data, so their fields count 1 each, and the one
/// real danger of introspection, its recursive types, is stopped by <see cref="IntrospectionDepthCheck"/>.
/// </para>
/// </summary>
internal static class LimitsValidationRule
{
    public static IValidationRule? Create(GraphQLLimits limits)
    {
        if (limits.MaxDepth is null && limits.MaxComplexity is null) return null;

        int? maxDepth = limits.MaxDepth, maxComplexity = limits.MaxComplexity;
        var options = new ComplexityOptions();
        var dataImpact = options.DefaultComplexityImpactDelegate;
        options.DefaultComplexityImpactDelegate = context =>
            IsIntrospection(context) ? new FieldComplexityResult(1, 1) : dataImpact(context);
        options.ValidateComplexityDelegate = context =>
        {
            var validation = context.ValidationContext;
            if (context.MaxDepth > maxDepth)
            {
                context.Error = new LimitExceededError(GraphQLErrorCodes.MaxDepthExceeded,
                    $"Query depth {context.MaxDepth} exceeds the maximum of {maxDepth}.");
            }
            else if (IntrospectionDepthCheck.Exceeds(validation.Document, validation.Operation))
            {
                context.Error = new LimitExceededError(GraphQLErrorCodes.MaxDepthExceeded,
                    "Maximum introspection depth exceeded: fields, interfaces, possibleTypes and inputFields may nest at most twice.");
            }
            else if (context.TotalImpact > maxComplexity)
            {
                context.Error = new LimitExceededError(GraphQLErrorCodes.MaxComplexityExceeded,
                    $"Query complexity {context.TotalImpact:0} exceeds the maximum of {maxComplexity}.");
            }
            return Task.CompletedTask;
        };
        return new ComplexityValidationRule(options);
    }

    /// <summary>A field of an introspection type (<c>__Schema</c>, <c>__Type</c>, ...) or an introspection meta field.</summary>
    private static bool IsIntrospection(FieldImpactContext context) =>
        context.ParentType.Name.StartsWith("__", StringComparison.Ordinal)
        || context.FieldDefinition.Name.StartsWith("__", StringComparison.Ordinal);
}
