using GraphQL.Types;
using OpenLedger.Grains.ModelFactory;

namespace OpenLedger.GraphQL.ModelFactory;

/// <summary>One point of a job's loss curve (TrainingJob.lossHistory).</summary>
public sealed class TrainingLossPointType : ObjectGraphType<TrainingLossPoint>
{
    public TrainingLossPointType()
    {
        Name = "TrainingLossPoint";
        Description = "A job's losses after one optimizer step.";
        Field<NonNullGraphType<IntGraphType>>("step").Description("The step (0: before training, the base model's held-out loss only).").Resolve(c => c.Source.Step);
        Field<FloatGraphType>("loss").Description("Training loss of the step.").Resolve(c => c.Source.Loss);
        Field<FloatGraphType>("evalLoss").Description("Held-out loss, on steps that evaluated.").Resolve(c => c.Source.EvalLoss);
    }
}
