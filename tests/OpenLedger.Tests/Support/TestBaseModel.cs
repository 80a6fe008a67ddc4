using OpenLedger.ML.BaseModel;

namespace OpenLedger.Tests.Support;

/// <summary>The base model tests train and serve over when any base will do: the first built-in model (1.06 M parameters),
/// whatever <see cref="BaseModelCatalog.DefaultName"/> is, so a larger default does not make the suite slower. In-process
/// nodes (<see cref="InProcessNode"/>, <see cref="MlClusterFixture"/>) and node processes (<c>NodeProcess</c>) get it unless
/// a test asks for another base.</summary>
public static class TestBaseModel
{
    /// <summary>The recipe's name, as <c>--base-model</c> takes it.</summary>
    public const string Recipe = "wordnet-1m";

    /// <summary>Its shipped directory beside the test assembly.</summary>
    public static string Directory => BaseModelCatalog.DirectoryOf(Recipe);
}
