using GraphQL.Types;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.ModelFactory;

/// <summary>An account's signature over a training request (<c>trainingJobTypedData</c> gives the payload to sign) or
/// over the cancellation of a job it owns (<c>cancelTrainingJobTypedData</c>).</summary>
public sealed class TrainingAuthorizationInputType : InputObjectGraphType
{
    public TrainingAuthorizationInputType()
    {
        Name = "TrainingAuthorizationInput";
        Description = "The owner's EIP-712 signature under the chain's domain: StartTrainingJob over the request's datanet, version, " +
                      "hyperparameters and deadline (startTrainingJob), or CancelTrainingJob over the job and deadline (cancelTrainingJob).";
        Field<NonNullGraphType<AddressGraphType>>("owner").Description("The signing account: the job's owner.");
        Field<NonNullGraphType<LongGraphType>>("deadline").Description("Unix seconds after which the signature is refused (at most an hour ahead).");
        Field<NonNullGraphType<BytesGraphType>>("signature").Description("65 bytes: r, s, v (27 or 28).");
    }
}
