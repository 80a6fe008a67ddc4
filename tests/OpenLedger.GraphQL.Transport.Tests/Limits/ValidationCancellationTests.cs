using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.GraphQL.Transport.Execution;
using OpenLedger.GraphQL.Transport.Tests.TestSchema;

namespace OpenLedger.GraphQL.Transport.Tests.Limits;

/// <summary>
/// The cost rule stops when its request is cancelled (timeout, client gone, operation completed), instead of finishing
/// its analysis for no one. Driven through GraphQL.NET's own executer with a rule that cancels the request just before
/// the cost rule runs: a rule that ignored the token would answer MAX_COMPLEXITY_EXCEEDED instead.
/// </summary>
public sealed class ValidationCancellationTests
{
    [Fact]
    public async Task Cost_analysis_stops_when_the_request_is_cancelled()
    {
        var services = new ServiceCollection();
        services.AddSingleton<StreamTracker>();
        services.AddGraphQL(b => b.AddSchema<TestLedgerSchema>().AddGraphTypes(typeof(TestLedgerSchema).Assembly).AddSystemTextJson());
        await using var provider = services.BuildServiceProvider();
        var limits = new GraphQLLimits { MaxComplexity = 10 };

        // Enough selections that the analyzer reaches a cancellation check (it looks every 256).
        var query = "{ deep { " + string.Join(" ", Enumerable.Range(0, 45).Select(i => $"a{i}: children {{ level next {{ level next {{ level }} }} }}")) + " } }";
        using var cancellation = new CancellationTokenSource();
        IValidationRule[] rules = [.. DocumentValidator.CoreRules, new CancelBeforeCosting(cancellation), new CostValidationRule(limits)];
        var options = new ExecutionOptions
        {
            Schema = provider.GetRequiredService<ISchema>(),
            Query = query,
            RequestServices = provider,
            ValidationRules = rules,
            CancellationToken = cancellation.Token,
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.GetRequiredService<IDocumentExecuter>().ExecuteAsync(options));

        // The same document, not cancelled, is refused by its cost: the rule did run to a verdict when allowed to.
        using var idle = new CancellationTokenSource();
        var result = await provider.GetRequiredService<IDocumentExecuter>().ExecuteAsync(new ExecutionOptions
        {
            Schema = provider.GetRequiredService<ISchema>(),
            Query = query,
            RequestServices = provider,
            ValidationRules = [.. DocumentValidator.CoreRules, new CostValidationRule(limits)],
            CancellationToken = idle.Token,
        });
        Assert.Equal(GraphQLErrorCodes.MaxComplexityExceeded, Assert.Single(result.Errors!).Code);
    }

    /// <summary>Stands for the timeout firing, or the client leaving, just as validation reaches the cost rule.</summary>
    private sealed class CancelBeforeCosting(CancellationTokenSource source) : ValidationRuleBase
    {
        public override ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context)
        {
            source.Cancel();
            return default;
        }
    }
}
