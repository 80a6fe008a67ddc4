using System.Reflection;
using System.Reflection.Emit;

namespace OpenLedger.Tests.Architecture;

/// <summary>Which folder of an assembly uses which, read from the compiled code: a folder is the first namespace segment
/// under <c>root</c> (a subfolder counts as its folder). A type uses another when it names it in its base type,
/// interfaces, fields, properties, events, attributes, method signatures, local variables or any instruction of a method
/// body (calls, field accesses, casts, <c>new</c>, <c>typeof</c>). Constants and enum values are compiled into their
/// users as numbers, so a use that is nothing but a constant is not seen; every other use is. Each edge keeps the pairs
/// of types that make it, for the failure message.</summary>
public sealed class FolderGraph
{
    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private readonly string _root;
    private readonly SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> _edges = new(StringComparer.Ordinal);

    private FolderGraph(string root) => _root = root;

    /// <summary>The folders found, each with the folders it uses (never itself).</summary>
    public IReadOnlyDictionary<string, IReadOnlyCollection<string>> Uses =>
        _edges.ToDictionary(e => e.Key, e => (IReadOnlyCollection<string>)e.Value.Keys.ToList());

    /// <summary>The pairs "Folder.Type -> Folder.Type" that make the edge <paramref name="from"/> -> <paramref name="to"/>.</summary>
    public IReadOnlyCollection<string> Evidence(string from, string to) =>
        _edges.TryGetValue(from, out var targets) && targets.TryGetValue(to, out var pairs) ? pairs : [];

    public static FolderGraph Of(Assembly assembly, string root)
    {
        var graph = new FolderGraph(root);
        foreach (var type in assembly.GetTypes())
        {
            if (graph.FolderOf(type) is { } folder)
                graph.Scan(type, folder);
        }
        return graph;
    }

    /// <summary>The strongly connected groups of more than one folder: each is a knot in which every folder reaches
    /// every other. An acyclic graph has none.</summary>
    public List<List<string>> Knots()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var knots = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            foreach (var w in _edges[v].Keys)
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (stack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] != index[v])
                return;
            var group = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                group.Add(member);
            }
            while (member != v);
            if (group.Count > 1)
                knots.Add([.. group.Order(StringComparer.Ordinal)]);
        }
        foreach (var v in _edges.Keys.Where(v => !index.ContainsKey(v)))
            Visit(v);
        return knots;
    }

    /// <summary>A shortest cycle through <paramref name="start"/> that stays inside <paramref name="knot"/>, as the
    /// folders in order (the first is not repeated at the end).</summary>
    public List<string> CycleThrough(string start, IReadOnlyCollection<string> knot)
    {
        var previous = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var w in _edges[v].Keys.Where(knot.Contains))
            {
                if (w == start)
                {
                    var path = new List<string> { v };
                    while (path[^1] != start)
                        path.Add(previous[path[^1]]);
                    path.Reverse();
                    return path;
                }
                if (previous.TryAdd(w, v))
                    queue.Enqueue(w);
            }
        }
        throw new InvalidOperationException($"{start} is in no cycle inside {string.Join(", ", knot)}");
    }

    /// <summary>Folders in layers from the bottom: a folder's layer is one above the highest folder it uses. Only
    /// defined for an acyclic graph.</summary>
    public List<List<string>> Layers()
    {
        var layer = new Dictionary<string, int>();
        int LayerOf(string v, int depth)
        {
            if (depth > _edges.Count)
                throw new InvalidOperationException("the folder graph has a cycle; it has no layers");
            if (layer.TryGetValue(v, out var known))
                return known;
            var l = _edges[v].Keys.Select(w => LayerOf(w, depth + 1) + 1).DefaultIfEmpty(0).Max();
            layer[v] = l;
            return l;
        }
        foreach (var v in _edges.Keys)
            LayerOf(v, 0);
        return [.. layer.GroupBy(kv => kv.Value).OrderBy(g => g.Key).Select(g => g.Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList())];
    }

    /// <summary>One line per folder: "Folder -> used, used".</summary>
    public string Describe() =>
        string.Join("\n", _edges.Select(e => $"{e.Key} -> {(e.Value.Count == 0 ? "(nothing)" : string.Join(", ", e.Value.Keys))}"));

    private string? FolderOf(Type type)
    {
        var ns = type.Namespace;
        if (ns is null || !ns.StartsWith(_root + ".", StringComparison.Ordinal))
            return null;
        return ns[(_root.Length + 1)..].Split('.')[0];
    }

    // A nested type (a closure, a state machine, a nested record) speaks for the type it is declared in.
    private string NameOf(Type type, string folder)
    {
        while (type.DeclaringType is { } outer)
            type = outer;
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{folder}.{(tick < 0 ? name : name[..tick])}";
    }

    private void Scan(Type type, string folder)
    {
        if (!_edges.ContainsKey(folder))
            _edges[folder] = new(StringComparer.Ordinal);
        var used = new HashSet<Type>();
        void Use(Type? t)
        {
            if (t is null || t.IsGenericParameter)
                return;
            if (t.HasElementType)
            {
                Use(t.GetElementType());
                return;
            }
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                Use(t.GetGenericTypeDefinition());
                foreach (var a in t.GetGenericArguments())
                    Use(a);
                return;
            }
            used.Add(t);
        }
        void UseAttributes(IEnumerable<CustomAttributeData> attributes)
        {
            foreach (var a in attributes)
            {
                Use(a.AttributeType);
                foreach (var arg in a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue)))
                    Use(arg.Value as Type);
            }
        }

        Use(type.BaseType);
        foreach (var i in type.GetInterfaces())
            Use(i);
        UseAttributes(type.CustomAttributes);
        foreach (var f in type.GetFields(Declared))
        {
            Use(f.FieldType);
            UseAttributes(f.CustomAttributes);
        }
        foreach (var p in type.GetProperties(Declared))
        {
            Use(p.PropertyType);
            UseAttributes(p.CustomAttributes);
        }
        foreach (var e in type.GetEvents(Declared))
            Use(e.EventHandlerType);
        foreach (var m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (m is MethodInfo mi)
                Use(mi.ReturnType);
            foreach (var p in m.GetParameters())
                Use(p.ParameterType);
            UseAttributes(m.CustomAttributes);
            if (m.GetMethodBody() is not { } body)
                continue;
            foreach (var local in body.LocalVariables)
                Use(local.LocalType);
            foreach (var member in Operands(m, body.GetILAsByteArray() ?? []))
            {
                if (member is Type t)
                {
                    Use(t);
                    continue;
                }
                Use(member.DeclaringType);
                if (member is MethodInfo { IsGenericMethod: true } generic)
                {
                    foreach (var a in generic.GetGenericArguments())
                        Use(a);
                }
            }
        }

        var from = NameOf(type, folder);
        foreach (var t in used)
        {
            if (FolderOf(t) is { } target && target != folder)
            {
                var targets = _edges[folder];
                if (!targets.TryGetValue(target, out var pairs))
                    targets[target] = pairs = new(StringComparer.Ordinal);
                pairs.Add($"{from} -> {NameOf(t, target)}");
            }
        }
        foreach (var t in used)
        {
            if (FolderOf(t) is { } target && !_edges.ContainsKey(target))
                _edges[target] = new(StringComparer.Ordinal);
        }
    }

    // The members and types an IL body's instructions name (calls, field accesses, new, casts, typeof, ldtoken).
    private static IEnumerable<MemberInfo> Operands(MethodBase method, byte[] il)
    {
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE)
                value = unchecked((short)(0xFE00 | il[i++]));
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments)!;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                default:
                    i += OperandSize(op.OperandType);
                    break;
            }
        }
    }

    private static int OperandSize(OperandType type) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4, // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
    };
}
