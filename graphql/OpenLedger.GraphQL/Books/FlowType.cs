using GraphQL.Types;
using OpenLedger.Core.Books;

namespace OpenLedger.GraphQL.Books;

/// <summary>How a statement line concerns its subject.</summary>
public sealed class FlowType : EnumerationGraphType<Flow>
{
    public FlowType()
    {
        Name = "Flow";
        Description = "IN or OUT of an account; MOVED within a datanet's or model's business; MEMO: an account's stake forfeited to someone " +
                      "else (it left the account when it was locked, so the memo changes no balance).";
    }
}
