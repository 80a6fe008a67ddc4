using GraphQL.Types;
using OpenLedger.Core.Transactions;

namespace OpenLedger.GraphQL.Market;

/// <summary>Whether a model takes new inference requests (typed-data value: ACTIVE 1, RETIRED 2).</summary>
public sealed class ModelStatusType : EnumerationGraphType<ModelStatus>
{
    public ModelStatusType() { Name = "ModelStatus"; Description = "Whether a model takes new inference requests (typed-data value: ACTIVE 1, RETIRED 2)."; }
}
