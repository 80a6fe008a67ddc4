using GraphQL;
using GraphQL.Types;

namespace OpenLedger.GraphQL.Transport;

/// <summary>
/// What a schema tells the gateway's cost analyzer about its fields (see <see cref="GraphQLLimits.MaxComplexity"/>).
/// Declared on the field, next to the resolver whose work it describes, e.g.
/// <c>Field&lt;StringGraphType&gt;("text").Cost(1_000)</c> or <c>Field&lt;ListGraphType&lt;X&gt;&gt;("xs").ListSize(16)</c>.
/// </summary>
public static class FieldCosts
{
    internal const string CostKey = "openledger.cost";
    internal const string ListSizeKey = "openledger.listSize";

    /// <summary>
    /// The field's own cost, in place of 1: for a value that can be large (about 1 per KiB it may hold), or a resolver
    /// that reads or computes a lot. A list field's own cost is paid once, whatever the list's length.
    /// </summary>
    public static TMetadataWriter Cost<TMetadataWriter>(this TMetadataWriter field, double cost) where TMetadataWriter : IMetadataWriter
    {
        if (!(cost >= 0)) throw new ArgumentOutOfRangeException(nameof(cost), "a cost is zero or more");
        return field.WithMetadata(CostKey, cost);
    }

    /// <summary>
    /// The most items this list field returns: the cost of its selection is multiplied by it. Without it a list of
    /// objects is assumed to hold <see cref="GraphQLLimits.DefaultListSize"/> items (or the page size, for the lists of
    /// a paged field).
    /// </summary>
    public static TMetadataWriter ListSize<TMetadataWriter>(this TMetadataWriter field, int maxItems) where TMetadataWriter : IMetadataWriter
    {
        if (maxItems < 0) throw new ArgumentOutOfRangeException(nameof(maxItems), "a list holds zero or more items");
        return field.WithMetadata(ListSizeKey, maxItems);
    }

    internal static double? DeclaredCost(FieldType field) => field.GetMetadata<double?>(CostKey);

    internal static int? DeclaredListSize(FieldType field) => field.GetMetadata<int?>(ListSizeKey);
}
