using System.Text;
using System.Text.Json;

namespace OpenLedger.GraphQL.Transport.Tests.Fuzz;

/// <summary>Random inputs for the fuzz tests: raw bytes, arbitrary JSON, and near-misses of valid GraphQL requests.</summary>
public sealed class FuzzInputs(int seed)
{
    private static readonly string[] ValidQueries =
    [
        "{ hello }",
        "query Q($n: String) { hello(name: $n) }",
        "mutation { echo(message: \"x\") }",
        "{ deep { next { next { level } } children { level } } }",
        "subscription { ticks(count: 2, intervalMs: 1) }",
        "{ __schema { types { name fields { name } } } }",
        "{ missingAccount uncoded }",
        "{ __typename ...F } fragment F on Query { hello }",
    ];

    private static readonly string[] Words =
        ["query", "mutation", "subscription", "fragment", "on", "{", "}", "(", ")", "$", "!", "...", "@include", "hello", "deep",
         "\"", "#", "\\u0000", "null", "[", "]", ":", "=", "__schema", "ticks", "echo", "\n", "😀", "\uFFFF"];

    public Random Random { get; } = new(seed);

    public byte[] Bytes(int maxLength)
    {
        var bytes = new byte[Random.Next(maxLength + 1)];
        Random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A valid query, a mutated one, or a soup of GraphQL tokens.</summary>
    public string Query() => Random.Next(4) switch
    {
        0 => Pick(ValidQueries),
        1 => Mutate(Pick(ValidQueries)),
        2 => string.Join(" ", Enumerable.Range(0, Random.Next(1, 30)).Select(_ => Pick(Words))),
        _ => Random.Next(10) == 0 ? new string('{', Random.Next(100, 3000)) : Mutate(Mutate(Pick(ValidQueries))),
    };

    public string Mutate(string text)
    {
        var builder = new StringBuilder(text);
        for (var i = Random.Next(1, 4); i > 0 && builder.Length > 0; i--)
        {
            var at = Random.Next(builder.Length);
            switch (Random.Next(3))
            {
                case 0: builder.Remove(at, 1); break;
                case 1: builder.Insert(at, Pick(Words)); break;
                default: builder[at] = (char)Random.Next(32, 127); break;
            }
        }
        return builder.ToString();
    }

    /// <summary>Any JSON value, nested up to <paramref name="depth"/>.</summary>
    public object? Json(int depth)
    {
        switch (Random.Next(depth <= 0 ? 5 : 7))
        {
            case 0: return null;
            case 1: return Random.Next(2) == 0;
            case 2: return Random.Next(3) == 0 ? Random.NextDouble() * 1e300 : Random.Next(int.MinValue, int.MaxValue);
            case 3: return Random.Next(4) == 0 ? Query() : Mutate("abc\u0001\"\\");
            case 4: return Random.Next(3) == 0 ? long.MaxValue : -0.0;
            case 5: return Enumerable.Range(0, Random.Next(5)).Select(_ => Json(depth - 1)).ToList();
            default:
                var map = new Dictionary<string, object?>();
                for (var i = Random.Next(5); i > 0; i--) map[Random.Next(3) == 0 ? Pick(Words) : "k" + i] = Json(depth - 1);
                return map;
        }
    }

    /// <summary>An object shaped like a GraphQL request whose members are sometimes right and sometimes not.</summary>
    public Dictionary<string, object?> RequestLike()
    {
        var request = new Dictionary<string, object?>();
        if (Random.Next(8) != 0) request["query"] = Random.Next(5) == 0 ? Json(2) : Query();
        if (Random.Next(3) == 0) request["variables"] = Random.Next(2) == 0 ? new Dictionary<string, object?> { ["n"] = Json(2) } : Json(2);
        if (Random.Next(4) == 0) request["operationName"] = Random.Next(2) == 0 ? Pick(["Q", "", "F", "nope"]) : Json(1);
        if (Random.Next(6) == 0) request["extensions"] = Json(2);
        return request;
    }

    public string Serialize(object? value) => JsonSerializer.Serialize(value);

    /// <summary>JSON nested far deeper than any parser limit.</summary>
    public string DeepJson() => new string('[', Random.Next(65, 2000)) + new string(']', Random.Next(0, 2000));

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];
}
