using System.Globalization;
using System.Text;
using GraphQL;
using GraphQL.Types;

namespace OpenLedger.GraphQL.Transport.Tests.Fuzz;

/// <summary>
/// Random GraphQL requests built from a schema: operations whose fields, arguments, aliases, fragments (named and
/// inline), directives and variables follow the schema's types, with argument values that are sometimes right and
/// sometimes at or past the edges (negative and huge page sizes, wrong types, nulls), and variables that do not always
/// match their declared types. Shared by the transport's fuzz test (test schema) and the node's (the ledger schema).
/// </summary>
public sealed class SchemaDocuments(ISchema schema, int seed, IReadOnlySet<string>? excludedFields = null, bool queriesOnly = false)
{
    private static readonly object?[] IntValues = [0, 1, 2, 5, 20, 100, 101, -1, -100_000_000, int.MaxValue, int.MinValue, null, "7", 1.5];
    private static readonly object?[] StringValues = ["", "x", "0x00", "0x" + new string('0', 64), "0x" + new string('a', 40), "😀", null, 3, "\u0000"];

    private readonly IReadOnlySet<string> _excluded = excludedFields ?? new HashSet<string>();
    private StringBuilder _fragments = new();
    private Dictionary<string, (string Type, object? Value)> _variables = [];
    private int _names;

    public Random Random { get; } = new(seed);

    /// <summary>A request: the document, its variables, and the operation name (sometimes a wrong one).</summary>
    public (string Query, Dictionary<string, object?> Variables, string? OperationName) Next()
    {
        schema.Initialize();
        _fragments = new StringBuilder();
        _variables = [];
        _names = 0;
        var roll = Random.Next(20);
        var (keyword, root) = queriesOnly || roll < 16 || schema.Mutation is null ? ("query", schema.Query)
            : roll < 18 || schema.Subscription is null ? ("mutation", schema.Mutation) : ("subscription", schema.Subscription!);
        var selection = SelectionSet(root, depth: 0, maxDepth: Random.Next(1, 7));
        var name = Random.Next(3) == 0 ? "Op" : null;
        var definitions = string.Join(", ", _variables.Select(v => $"${v.Key}: {v.Value.Type}"));
        var document = $"{keyword} {name}{(definitions.Length > 0 ? $"({definitions})" : "")} {selection}{_fragments}";
        var operationName = Random.Next(10) == 0 ? "Nope" : name;
        return (document, _variables.ToDictionary(v => v.Key, v => v.Value.Value), operationName);
    }

    private string SelectionSet(IComplexGraphType type, int depth, int maxDepth)
    {
        // At the depth budget only leaves are chosen, so every document ends.
        var fields = type.Fields.Where(f => !_excluded.Contains(f.Name) && (depth < maxDepth || f.ResolvedType!.GetNamedType() is not IComplexGraphType)).ToList();
        var builder = new StringBuilder("{ ");
        var count = Random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            switch (Random.Next(12))
            {
                case 0:
                    builder.Append("__typename ");
                    break;
                case 1 when depth + 1 < maxDepth:
                    // A named fragment on this type, spread once or twice.
                    var fragment = "F" + _names++;
                    _fragments.Append($" fragment {fragment} on {type.Name} {SelectionSet(type, depth + 1, maxDepth)}");
                    builder.Append($"...{fragment} ");
                    if (Random.Next(4) == 0) builder.Append($"...{fragment} ");
                    break;
                case 2 when depth + 1 < maxDepth:
                    builder.Append($"... on {type.Name} {Directive()}{SelectionSet(type, depth + 1, maxDepth)} ");
                    break;
                default:
                    if (fields.Count == 0) goto case 0;
                    builder.Append(Field(fields[Random.Next(fields.Count)], depth, maxDepth)).Append(' ');
                    break;
            }
        }
        return builder.Append('}').ToString();
    }

    private string Field(FieldType field, int depth, int maxDepth)
    {
        var builder = new StringBuilder();
        if (Random.Next(5) == 0) builder.Append("a").Append(_names++).Append(": ");
        builder.Append(field.Name);
        var arguments = (field.Arguments ?? []).Where(a => a.ResolvedType is NonNullGraphType || Random.Next(2) == 0).ToList();
        if (arguments.Count > 0)
            builder.Append('(').Append(string.Join(", ", arguments.Select(a => $"{a.Name}: {Value(a.ResolvedType!)}"))).Append(')');
        builder.Append(' ').Append(Directive());
        if (field.ResolvedType!.GetNamedType() is IComplexGraphType child)
        {
            // Now and then no selection: a (deliberate) validation error.
            builder.Append(Random.Next(30) != 0 ? SelectionSet(child, depth + 1, maxDepth) : "");
        }
        else if (field.ResolvedType!.GetNamedType() is UnionGraphType)
        {
            builder.Append("{ __typename }");
        }
        return builder.ToString();
    }

    private string Directive() => Random.Next(8) switch
    {
        0 => "@include(if: " + Variable("Boolean!", Random.Next(2) == 0) + ") ",
        1 => "@skip(if: true) ",
        _ => "",
    };

    private string Value(IGraphType type)
    {
        if (Random.Next(6) == 0) return Variable(TypeName(type), RawValue(type.GetNamedType()));
        var named = type.GetNamedType();
        if (type is NonNullGraphType { ResolvedType: ListGraphType list } || type is ListGraphType)
        {
            var element = (type as ListGraphType ?? (ListGraphType)((NonNullGraphType)type).ResolvedType!).ResolvedType!;
            return "[" + string.Join(", ", Enumerable.Range(0, Random.Next(3)).Select(_ => Value(element))) + "]";
        }
        if (named is IInputObjectGraphType input)
        {
            var fields = input.Fields.Where(f => f.ResolvedType is NonNullGraphType || Random.Next(2) == 0);
            return "{" + string.Join(", ", fields.Select(f => $"{f.Name}: {Value(f.ResolvedType!)}")) + "}";
        }
        return Literal(RawValue(named));
    }

    private object? RawValue(IGraphType named) => named switch
    {
        // Mostly well-formed values for the common custom scalars, so many documents get past validation and execute.
        ScalarGraphType { Name: "Hash" } when Random.Next(4) != 0 => "0x" + Convert.ToHexString(Bytes(32)).ToLowerInvariant(),
        ScalarGraphType { Name: "Address" } when Random.Next(4) != 0 => "0x" + Convert.ToHexString(Bytes(20)).ToLowerInvariant(),
        ScalarGraphType { Name: "BigInt" } when Random.Next(4) != 0 => Random.Next(3) == 0 ? "340282366920938463463374607431768211456" : "1",
        IntGraphType or LongGraphType => IntValues[Random.Next(IntValues.Length)],
        BooleanGraphType => Random.Next(5) == 0 ? "yes" : Random.Next(2) == 0,
        FloatGraphType => Random.Next(3) == 0 ? -1.5 : 0.25,
        EnumerationGraphType enumeration when enumeration.Values.Count > 0 && Random.Next(6) != 0 =>
            new EnumName(enumeration.Values.ElementAt(Random.Next(enumeration.Values.Count)).Name),
        _ => StringValues[Random.Next(StringValues.Length)],
    };

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        Random.NextBytes(bytes);
        return bytes;
    }

    private string Variable(string type, object? value)
    {
        var name = "v" + _names++;
        _variables[name] = (type, value is EnumName e ? e.Name : value);
        return "$" + name;
    }

    private static string TypeName(IGraphType type) => type switch
    {
        NonNullGraphType nonNull => TypeName(nonNull.ResolvedType!) + "!",
        ListGraphType list => "[" + TypeName(list.ResolvedType!) + "]",
        _ => type.Name,
    };

    private static string Literal(object? value) => value switch
    {
        null => "null",
        EnumName e => e.Name,
        string s => System.Text.Json.JsonSerializer.Serialize(s),
        bool b => b ? "true" : "false",
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private sealed record EnumName(string Name);
}
