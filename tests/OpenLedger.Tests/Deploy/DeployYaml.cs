using OpenLedger.Tests.Architecture;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace OpenLedger.Tests.Deploy;

/// <summary>deploy/'s YAML files as plain trees (maps, lists, strings; merge keys resolved), which the tests walk.
/// docker and kubectl are not on the test machines, so structure is what can be checked here.</summary>
public static class DeployYaml
{
    public static string Directory => Path.Combine(ProjectReferenceTests.RepositoryRoot(), "deploy");

    /// <summary>Every document of a YAML file (a manifest may hold several, separated by ---).</summary>
    public static IReadOnlyList<Dictionary<object, object>> LoadAll(string path)
    {
        // MergingParser resolves `<<: *anchor` the way docker compose does.
        IParser parser = new MergingParser(new Parser(new StringReader(File.ReadAllText(path))));
        var deserializer = new DeserializerBuilder().Build();
        var documents = new List<Dictionary<object, object>>();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<object>(parser) is Dictionary<object, object> document)
                documents.Add(document);
        }
        return documents;
    }

    public static Dictionary<object, object> Load(string path) => Assert.Single(LoadAll(path));

    public static Dictionary<object, object> Map(this Dictionary<object, object> map, string key) =>
        map.TryGetValue(key, out var v) && v is Dictionary<object, object> m ? m : throw new Xunit.Sdk.XunitException($"'{key}' is not a map");

    public static Dictionary<object, object>? MapOrNull(this Dictionary<object, object> map, string key) =>
        map.TryGetValue(key, out var v) ? v as Dictionary<object, object> : null;

    public static List<object> List(this Dictionary<object, object> map, string key) =>
        map.TryGetValue(key, out var v) && v is List<object> l ? l : [];

    public static IEnumerable<Dictionary<object, object>> Maps(this Dictionary<object, object> map, string key) =>
        map.List(key).Cast<Dictionary<object, object>>();

    public static string? Text(this Dictionary<object, object> map, string key) => map.TryGetValue(key, out var v) ? v as string : null;

    public static string[] Strings(this Dictionary<object, object> map, string key) => map.List(key).Cast<string>().ToArray();
}
