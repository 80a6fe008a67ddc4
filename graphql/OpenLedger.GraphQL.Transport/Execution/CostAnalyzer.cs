using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.AST;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// The cost, depth and page arguments of the selected operation, in time linear in the document: every selection set
/// is summarised once, and a fragment's summary is computed once and reused wherever it is spread, never expanded per
/// path (expanding made 24 fragments that each spread the next twice cost 2^24 visits, seconds of CPU before any
/// answer). What makes the reuse exact is that a summary does not depend on where it is used, with one exception kept
/// apart: the lists of a paged field (a connection's <c>edges</c>, <c>nodes</c>, <c>items</c>) hold as many items as
/// the enclosing field's <c>first</c>/<c>last</c> says, so their cost is kept per page item and multiplied in by the
/// field that encloses them. The cost model is described on <see cref="GraphQLLimits.MaxComplexity"/>.
/// <para>
/// Recursion follows the document's nesting, which <see cref="DocumentShape"/> has already bounded (and a guard here
/// refuses deeper nesting should this run alone). The validation's cancellation token (request timeout, client gone)
/// is checked as it goes.
/// </para>
/// </summary>
internal sealed class CostAnalyzer
{
    private const int MaxRecursion = 2 * DocumentShape.MaxNesting;
    private const int IntrospectionListsLimit = 3;

    private readonly ValidationContext _context;
    private readonly GraphQLLimits _limits;
    private readonly ISchema _schema;
    private readonly Dictionary<ROM, GraphQLFragmentDefinition> _fragmentDefinitions = [];
    private readonly Dictionary<ROM, Summary> _fragments = [];
    private readonly HashSet<ROM> _inProgress = [];
    private readonly List<LimitExceededError> _pageErrors = [];
    private bool _introspectionTooDeep;
    private int _visited;
    private int _recursion;

    private CostAnalyzer(ValidationContext context, GraphQLLimits limits)
    {
        _context = context;
        _limits = limits;
        _schema = context.Schema;
        foreach (var definition in context.Document.Definitions)
            if (definition is GraphQLFragmentDefinition fragment)
                _fragmentDefinitions.TryAdd(fragment.FragmentName.Name.Value, fragment);
    }

    /// <summary>
    /// What a selection set costs and how deep it goes, for one object of its type. <see cref="Fixed"/> is the cost that
    /// does not depend on context; <see cref="PerItem"/> is the cost of one item of the selection set's own page-sized
    /// lists, to be multiplied by the enclosing field's page size. <see cref="IntrospectionLists"/> counts the recursive
    /// introspection lists (<c>fields</c>, <c>interfaces</c>, <c>possibleTypes</c>, <c>inputFields</c>) nested on the
    /// deepest path.
    /// </summary>
    private readonly record struct Summary(double Fixed, double PerItem, int Depth, int IntrospectionLists)
    {
        public Summary Plus(Summary other) => new(Fixed + other.Fixed, PerItem + other.PerItem,
            Math.Max(Depth, other.Depth), Math.Max(IntrospectionLists, other.IntrospectionLists));
    }

    private sealed class TooDeepException() : Exception("The selections nest too deep to analyse.");

    /// <summary>Analyses <see cref="ValidationContext.Operation"/> and reports what exceeds the limits.</summary>
    /// <exception cref="OperationCanceledException">when the validation's token is cancelled.</exception>
    public static void Run(ValidationContext context, GraphQLLimits limits)
    {
        var operation = context.Operation;
        IGraphType? root = operation.Operation switch
        {
            OperationType.Query => context.Schema.Query,
            OperationType.Mutation => context.Schema.Mutation,
            OperationType.Subscription => context.Schema.Subscription,
            _ => null,
        };
        if (root is null) return; // the specification's rules report an operation the schema does not have

        var analyzer = new CostAnalyzer(context, limits);
        Summary summary;
        try
        {
            summary = analyzer.SelectionSet(operation.SelectionSet, root);
        }
        catch (TooDeepException)
        {
            context.ReportError(new LimitExceededError(GraphQLErrorCodes.MaxDepthExceeded,
                $"Selections nest more than {MaxRecursion} levels deep."));
            return;
        }

        // Page arguments first: a negative page size would make the cost meaningless.
        if (analyzer._pageErrors.Count > 0)
        {
            foreach (var error in analyzer._pageErrors) context.ReportError(error);
            return;
        }
        if (summary.Depth > limits.MaxDepth)
        {
            context.ReportError(new LimitExceededError(GraphQLErrorCodes.MaxDepthExceeded,
                $"Query depth {summary.Depth} exceeds the maximum of {limits.MaxDepth}."));
            return;
        }
        if (analyzer._introspectionTooDeep && (limits.MaxDepth is not null || limits.MaxComplexity is not null))
        {
            context.ReportError(new LimitExceededError(GraphQLErrorCodes.MaxDepthExceeded,
                "Maximum introspection depth exceeded: fields, interfaces, possibleTypes and inputFields may nest at most twice."));
            return;
        }
        // The operation's own root lists have no enclosing page.
        var cost = summary.Fixed + summary.PerItem * limits.DefaultListSize;
        if (cost > limits.MaxComplexity)
        {
            context.ReportError(new LimitExceededError(GraphQLErrorCodes.MaxComplexityExceeded,
                $"Query complexity {(double.IsFinite(cost) ? cost.ToString("0", System.Globalization.CultureInfo.InvariantCulture) : "beyond measure")} exceeds the maximum of {limits.MaxComplexity}."));
        }
    }

    private Summary SelectionSet(GraphQLSelectionSet set, IGraphType parentType)
    {
        if (++_recursion > MaxRecursion) throw new TooDeepException();
        var summary = default(Summary);
        foreach (var selection in set.Selections)
        {
            if ((++_visited & 255) == 0) _context.CancellationToken.ThrowIfCancellationRequested();
            if (!_context.ShouldIncludeNode(selection)) continue;
            switch (selection)
            {
                case GraphQLField field:
                    summary = summary.Plus(Field(field, parentType));
                    break;
                case GraphQLInlineFragment inline:
                    var type = inline.TypeCondition is { } condition ? _schema.AllTypes[condition.Type.Name.Value] ?? parentType : parentType;
                    summary = summary.Plus(SelectionSet(inline.SelectionSet, type));
                    break;
                // Every spread counts, even of a fragment already spread here: GraphQL.NET's field collection does not
                // reliably skip repeats, so { ...A ...A } where A spreads B twice really does expand per path.
                case GraphQLFragmentSpread fragmentSpread:
                    summary = summary.Plus(Fragment(fragmentSpread.FragmentName.Name.Value));
                    break;
            }
        }
        _recursion--;
        return summary;
    }

    private Summary Fragment(ROM name)
    {
        if (_fragments.TryGetValue(name, out var known)) return known;
        // Unknown and cyclic fragments were refused by the specification's rules before this runs.
        if (!_fragmentDefinitions.TryGetValue(name, out var definition) || !_inProgress.Add(name)) return default;
        var type = _schema.AllTypes[definition.TypeCondition.Type.Name.Value];
        var summary = type is null ? default : SelectionSet(definition.SelectionSet, type);
        _inProgress.Remove(name);
        _fragments[name] = summary;
        return summary;
    }

    private Summary Field(GraphQLField field, IGraphType parentType)
    {
        var definition = Lookup(field, parentType);
        if (definition is null) return new Summary(1, 0, 1, 0);

        var introspection = parentType.Name.StartsWith("__", StringComparison.Ordinal) || definition.Name.StartsWith("__", StringComparison.Ordinal);
        var own = introspection ? 1 : Math.Max(0, FieldCosts.DeclaredCost(definition) ?? 1);
        var page = introspection ? null : PageSize(field, definition);
        if (field.SelectionSet is null) return new Summary(own, 0, 1, 0);

        var child = SelectionSet(field.SelectionSet, definition.ResolvedType!.GetNamedType());
        var isList = definition.ResolvedType is ListGraphType or NonNullGraphType { ResolvedType: ListGraphType };
        var lists = child.IntrospectionLists + (introspection && IsRecursiveIntrospectionList(definition.Name) ? 1 : 0);
        if (definition.Name is "__schema" or "__type" && child.IntrospectionLists >= IntrospectionListsLimit) _introspectionTooDeep = true;
        var depth = 1 + child.Depth;

        // Introspection is bounded by the schema: its lists count once (their recursion is the introspection depth rule's).
        if (introspection) return new Summary(own + child.Fixed + child.PerItem, 0, depth, lists);

        if (isList)
        {
            var perItem = child.Fixed + child.PerItem * _limits.DefaultListSize;
            if (FieldCosts.DeclaredListSize(definition) is { } declared) return new Summary(own + declared * perItem, 0, depth, lists);
            if (page is { } pageSize) return new Summary(own + pageSize * perItem, 0, depth, lists);
            // Sized by context: the page of the enclosing field, or the default list size.
            return new Summary(own, perItem, depth, lists);
        }
        // An object: its page-sized lists hold this field's page (a connection), or the default list size.
        return new Summary(own + child.Fixed + child.PerItem * (page ?? _limits.DefaultListSize), 0, depth, lists);
    }

    private FieldType? Lookup(GraphQLField field, IGraphType parentType)
    {
        var name = field.Name.Value;
        if (name == "__typename") return _schema.TypeNameMetaFieldType;
        if (ReferenceEquals(parentType, _schema.Query))
        {
            if (name == "__schema") return _schema.SchemaMetaFieldType;
            if (name == "__type") return _schema.TypeMetaFieldType;
        }
        return parentType is IComplexGraphType complex ? complex.GetField(name) : null;
    }

    /// <summary>
    /// The page size of a paged field (one with <c>first</c> or <c>last</c> arguments), after checking the arguments
    /// given: at least one item is costed (a page of zero still resolves the field), at most <see cref="GraphQLLimits.MaxPageSize"/>.
    /// </summary>
    private int? PageSize(GraphQLField field, FieldType definition)
    {
        if (definition.Arguments is not { Count: > 0 } arguments || (arguments.Find("first") is null && arguments.Find("last") is null))
            return null;
        IDictionary<string, ArgumentValue>? given = null;
        _context.ArgumentValues?.TryGetValue(field, out given);
        var size = -1;
        foreach (var name in (ReadOnlySpan<string>)["first", "last"])
        {
            if (given is null || !given.TryGetValue(name, out var value) || value.Value is null) continue;
            var number = Convert.ToInt64(value.Value, System.Globalization.CultureInfo.InvariantCulture);
            if (number < 0 || number > _limits.MaxPageSize)
            {
                _pageErrors.Add(new LimitExceededError(GraphQLErrorCodes.InvalidPageSize,
                    $"'{name}' on field '{field.Name.StringValue}' is {number}; it must be between 0 and {_limits.MaxPageSize}."));
                continue;
            }
            size = Math.Max(size, (int)number);
        }
        return size < 0 ? _limits.DefaultPageSize : Math.Max(1, size);
    }

    private static bool IsRecursiveIntrospectionList(string name) =>
        name is "fields" or "interfaces" or "possibleTypes" or "inputFields";
}
