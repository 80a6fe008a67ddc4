using GraphQL.Types;
using OpenLedger.Core.ModelFactory;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.ModelFactory;

/// <summary>The limits of <see cref="TrainingCostRule"/>, as the node applies them to a signed training request: a form
/// shows them before its user signs, from the node rather than from a copy of the rule.</summary>
public sealed class TrainingCostRuleType : ObjectGraphType<object>
{
    public TrainingCostRuleType()
    {
        Name = "TrainingCostRule";
        Description = "What an account may ask of the node's training when it starts a job with its signature (startTrainingJob's authorization).";
        Field<NonNullGraphType<WeiAmountGraphType>>("minimumBalance").Description("Wei the owner must hold (AccountNotFunded below it); nothing is charged.")
            .Resolve(_ => TrainingCostRule.MinimumBalance);
        Field<NonNullGraphType<IntGraphType>>("maxActiveJobsPerOwner").Description("Jobs one account may have queued or running (OwnerTrainingQuotaExceeded beyond).")
            .Resolve(_ => TrainingCostRule.MaxActiveJobsPerOwner);
        Field<NonNullGraphType<LongGraphType>>("maxExamplePassesPerJob").Description("Steps x batch size one job may train (TrainingBudgetExceeded beyond); " +
                                                                                   "with epochs, steps = ceil(epochs x ceil(examples / batch size)).")
            .Resolve(_ => TrainingCostRule.MaxExamplePassesPerJob);
    }
}
