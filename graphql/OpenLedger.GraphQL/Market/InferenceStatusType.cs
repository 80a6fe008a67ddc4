using GraphQL.Types;
using OpenLedger.Core.Market;

namespace OpenLedger.GraphQL.Market;

/// <summary>Where a paid inference is in its life.</summary>
public sealed class InferenceStatusType : EnumerationGraphType<InferenceStatus>
{
    public InferenceStatusType() { Name = "InferenceStatus"; Description = "Where a paid inference is in its life."; }
}
