using GraphQLParser;
using GraphQLParser.AST;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// The document's shape, checked right after parsing and before GraphQL.NET validates anything: how many selections
/// and aliases it writes (<see cref="GraphQLLimits.MaxSelections"/>, <see cref="GraphQLLimits.MaxAliases"/>), how many
/// root fields the selected operation executes (<see cref="GraphQLLimits.MaxRootFields"/>), and how deep its selections
/// nest through fragment spreads (<see cref="MaxNesting"/>). It comes first because some of the specification's rules
/// are quadratic in the number of fields, and GraphQL.NET's validator recurses through fragment spreads: a 1 MiB
/// document chaining thousands of fragments would otherwise cost seconds of CPU, or the stack. Every pass here is
/// linear in the document and iterative across fragments; the document may still be invalid (unknown or cyclic
/// fragments are left to the validator).
/// </summary>
internal static class DocumentShape
{
    /// <summary>
    /// How many levels selection sets may nest, counting every field, inline fragment and fragment spread on the way
    /// (graphql-js 17's introspection query reaches 18). Far above any real query, and low enough that no validator
    /// recursion gets near the stack's end.
    /// </summary>
    public const int MaxNesting = 100;

    public static LimitExceededError? Check(GraphQLDocument document, GraphQLOperationDefinition? operation, GraphQLLimits limits)
    {
        var fragments = new Dictionary<ROM, GraphQLFragmentDefinition>();
        foreach (var definition in document.Definitions)
            if (definition is GraphQLFragmentDefinition fragment)
                fragments.TryAdd(fragment.FragmentName.Name.Value, fragment);

        var (selections, aliases, spreads, localNesting) = Measure(document);
        if (selections > limits.MaxSelections)
            return new LimitExceededError(GraphQLErrorCodes.MaxSelectionsExceeded,
                $"The document has {selections} selections; the maximum is {limits.MaxSelections}.");
        if (aliases > limits.MaxAliases)
            return new LimitExceededError(GraphQLErrorCodes.MaxAliasesExceeded,
                $"The document has {aliases} aliased fields; the maximum is {limits.MaxAliases}.");

        var nesting = Nesting(document, fragments, spreads, localNesting);
        if (nesting > MaxNesting)
            return new LimitExceededError(GraphQLErrorCodes.MaxDepthExceeded,
                $"Selections nest {nesting} levels deep through fragments; the maximum is {MaxNesting}.");

        if (operation is not null && limits.MaxRootFields is { } maxRoot && RootFields(operation, fragments) is var roots && roots > maxRoot)
            return new LimitExceededError(GraphQLErrorCodes.MaxRootFieldsExceeded,
                $"The operation executes {roots} root fields; the maximum is {maxRoot}.");
        return null;
    }

    /// <summary>
    /// One pass over every definition: selections and aliases written, and per definition the deepest level reached
    /// within it and the spreads it makes (with the level of each).
    /// </summary>
    private static (int Selections, int Aliases, Dictionary<ASTNode, List<(ROM Name, int Level)>> Spreads, Dictionary<ASTNode, int> LocalNesting)
        Measure(GraphQLDocument document)
    {
        int selections = 0, aliases = 0;
        var spreads = new Dictionary<ASTNode, List<(ROM, int)>>();
        var localNesting = new Dictionary<ASTNode, int>();
        var pending = new Stack<(GraphQLSelectionSet Set, int Level)>();
        foreach (var definition in document.Definitions)
        {
            if (definition is not GraphQLExecutableDefinition executable) continue;
            var deepest = 0;
            List<(ROM, int)>? mine = null;
            pending.Push((executable.SelectionSet, 1));
            while (pending.TryPop(out var item))
            {
                foreach (var selection in item.Set.Selections)
                {
                    selections++;
                    deepest = Math.Max(deepest, item.Level);
                    switch (selection)
                    {
                        case GraphQLField field:
                            if (field.Alias is not null) aliases++;
                            if (field.SelectionSet is { } fieldSet) pending.Push((fieldSet, item.Level + 1));
                            break;
                        case GraphQLInlineFragment inline:
                            pending.Push((inline.SelectionSet, item.Level + 1));
                            break;
                        case GraphQLFragmentSpread spread:
                            (mine ??= []).Add((spread.FragmentName.Name.Value, item.Level));
                            break;
                    }
                }
            }
            localNesting[executable] = deepest;
            if (mine is not null) spreads[executable] = mine;
        }
        return (selections, aliases, spreads, localNesting);
    }

    /// <summary>
    /// The deepest level any definition reaches with its spreads followed: a definition reaches its own deepest level,
    /// and, for a spread at level L of fragment F, L + the depth F reaches. Fragments are resolved once each, in
    /// post-order with an explicit stack; a spread back into a fragment still being resolved (a cycle) adds nothing,
    /// since the validator refuses cycles anyway.
    /// </summary>
    private static int Nesting(GraphQLDocument document, Dictionary<ROM, GraphQLFragmentDefinition> fragments,
        Dictionary<ASTNode, List<(ROM Name, int Level)>> spreads, Dictionary<ASTNode, int> localNesting)
    {
        var resolved = new Dictionary<ROM, long>();
        var inProgress = new HashSet<ROM>();

        long Reach(ASTNode definition)
        {
            long deepest = localNesting.GetValueOrDefault(definition);
            if (spreads.TryGetValue(definition, out var list))
                foreach (var (name, level) in list)
                    if (resolved.TryGetValue(name, out var depth)) deepest = Math.Max(deepest, level + depth);
            return deepest;
        }

        var stack = new Stack<(ROM Name, GraphQLFragmentDefinition Fragment, int Next)>();
        foreach (var (rootName, rootFragment) in fragments)
        {
            if (resolved.ContainsKey(rootName)) continue;
            stack.Push((rootName, rootFragment, 0));
            inProgress.Add(rootName);
            while (stack.TryPop(out var frame))
            {
                var list = spreads.GetValueOrDefault(frame.Fragment);
                var next = frame.Next;
                var descended = false;
                while (list is not null && next < list.Count)
                {
                    var name = list[next++].Name;
                    if (resolved.ContainsKey(name) || inProgress.Contains(name) || !fragments.TryGetValue(name, out var child)) continue;
                    stack.Push((frame.Name, frame.Fragment, next));
                    stack.Push((name, child, 0));
                    inProgress.Add(name);
                    descended = true;
                    break;
                }
                if (descended) continue;
                inProgress.Remove(frame.Name);
                resolved[frame.Name] = Reach(frame.Fragment);
            }
        }

        long nesting = 0;
        foreach (var definition in document.Definitions)
            if (definition is GraphQLExecutableDefinition executable)
                nesting = Math.Max(nesting, Reach(executable));
        return (int)Math.Min(nesting, int.MaxValue);
    }

    /// <summary>The distinct response names the operation's root selection set collects, fragments included once each,
    /// as execution collects them.</summary>
    private static int RootFields(GraphQLOperationDefinition operation, Dictionary<ROM, GraphQLFragmentDefinition> fragments)
    {
        var names = new HashSet<ROM>();
        var visited = new HashSet<ROM>();
        var pending = new Stack<GraphQLSelectionSet>();
        pending.Push(operation.SelectionSet);
        while (pending.TryPop(out var set))
        {
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        names.Add((field.Alias?.Name ?? field.Name).Value);
                        break;
                    case GraphQLInlineFragment inline:
                        pending.Push(inline.SelectionSet);
                        break;
                    case GraphQLFragmentSpread spread when visited.Add(spread.FragmentName.Name.Value)
                                                        && fragments.TryGetValue(spread.FragmentName.Name.Value, out var fragment):
                        pending.Push(fragment.SelectionSet);
                        break;
                }
            }
        }
        return names.Count;
    }
}
