using GraphQL.Types;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.ModelFactory;

/// <summary>An account's signature over a training request (<c>trainingJobTypedData</c> gives the payload to sign).</summary>
public sealed class TrainingAuthorizationInputType : InputObjectGraphType
{
    public TrainingAuthorizationInputType()
    {
        Name = "TrainingAuthorizationInput";
        Description = "The owner's EIP-712 signature (StartTrainingJob under the chain's domain) over the request's datanet, version, " +
                      "hyperparameters and deadline.";
        Field<NonNullGraphType<AddressGraphType>>("owner").Description("The signing account: the job's owner.");
        Field<NonNullGraphType<LongGraphType>>("deadline").Description("Unix seconds after which the signature is refused (at most an hour ahead).");
        Field<NonNullGraphType<BytesGraphType>>("signature").Description("65 bytes: r, s, v (27 or 28).");
    }
}
