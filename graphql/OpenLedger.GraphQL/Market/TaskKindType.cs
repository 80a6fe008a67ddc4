using GraphQL.Types;
using OpenLedger.Core.Transactions;

namespace OpenLedger.GraphQL.Market;

/// <summary>The shape of a datanet's contributions (typed-data value: TEXT 1, PROMPT_COMPLETION 2, TEXT_LABEL 3).</summary>
public sealed class TaskKindType : EnumerationGraphType<TaskKind>
{
    public TaskKindType() { Name = "TaskKind"; Description = "The shape of a datanet's contributions (typed-data value: TEXT 1, PROMPT_COMPLETION 2, TEXT_LABEL 3)."; }
}
