using GraphQLParser.AST;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// graphql-js's <c>MaxIntrospectionDepthRule</c> (one of its recommended rules since 16.9): below <c>__schema</c> or
/// <c>__type</c>, the list fields <c>fields</c>, <c>interfaces</c>, <c>possibleTypes</c> and <c>inputFields</c> may not
/// nest three deep. The introspection types are recursive (<c>fields { type { fields { type ... } } }</c>), so without
/// this a tiny query asks for a response exponential in the schema's size; real clients' introspection queries nest
/// them once. This is what lets the complexity limit count introspection fields at face value (see
/// <see cref="LimitsValidationRule"/>).
/// </summary>
internal static class IntrospectionDepthCheck
{
    private const int MaxListsDepth = 3;

    /// <summary>True when the operation's introspection nests the recursive list fields too deep.</summary>
    public static bool Exceeds(GraphQLDocument document, GraphQLOperationDefinition operation)
    {
        var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
        foreach (var definition in document.Definitions)
            if (definition is GraphQLFragmentDefinition fragment)
                fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
        return FindIntrospection(operation.SelectionSet, fragments, new HashSet<string>(StringComparer.Ordinal));
    }

    private static bool FindIntrospection(GraphQLSelectionSet? selectionSet, Dictionary<string, GraphQLFragmentDefinition> fragments, HashSet<string> visiting)
    {
        if (selectionSet is null) return false;
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case GraphQLField field when field.Name.Value == "__schema" || field.Name.Value == "__type":
                    if (ListsTooDeep(field.SelectionSet, fragments, new HashSet<string>(StringComparer.Ordinal), 0)) return true;
                    break;
                case GraphQLField field:
                    if (FindIntrospection(field.SelectionSet, fragments, visiting)) return true;
                    break;
                case GraphQLInlineFragment inline:
                    if (FindIntrospection(inline.SelectionSet, fragments, visiting)) return true;
                    break;
                case GraphQLFragmentSpread spread:
                    var name = spread.FragmentName.Name.StringValue;
                    if (!fragments.TryGetValue(name, out var fragment) || !visiting.Add(name)) break;
                    try
                    {
                        if (FindIntrospection(fragment.SelectionSet, fragments, visiting)) return true;
                    }
                    finally
                    {
                        visiting.Remove(name);
                    }
                    break;
            }
        }
        return false;
    }

    private static bool ListsTooDeep(GraphQLSelectionSet? selectionSet, Dictionary<string, GraphQLFragmentDefinition> fragments, HashSet<string> visiting, int depth)
    {
        if (selectionSet is null) return false;
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case GraphQLField field:
                    var fieldDepth = depth;
                    var fieldName = field.Name.Value;
                    if (fieldName == "fields" || fieldName == "interfaces" || fieldName == "possibleTypes" || fieldName == "inputFields")
                    {
                        if (++fieldDepth >= MaxListsDepth) return true;
                    }
                    if (ListsTooDeep(field.SelectionSet, fragments, visiting, fieldDepth)) return true;
                    break;
                case GraphQLInlineFragment inline:
                    if (ListsTooDeep(inline.SelectionSet, fragments, visiting, depth)) return true;
                    break;
                case GraphQLFragmentSpread spread:
                    var name = spread.FragmentName.Name.StringValue;
                    if (!fragments.TryGetValue(name, out var fragment) || !visiting.Add(name)) break;
                    try
                    {
                        if (ListsTooDeep(fragment.SelectionSet, fragments, visiting, depth)) return true;
                    }
                    finally
                    {
                        visiting.Remove(name);
                    }
                    break;
            }
        }
        return false;
    }
}
