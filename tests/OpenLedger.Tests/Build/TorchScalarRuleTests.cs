using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using OpenLedger.Analyzers;

namespace OpenLedger.Tests.Build;

/// <summary>Rule OL1001 on snippets compiled against the TorchSharp the engine uses: what it refuses and what it lets
/// through.</summary>
public sealed class TorchScalarRuleTests
{
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string body)
    {
        var source = $$"""
            using TorchSharp;
            using static TorchSharp.torch;
            static class Snippet
            {
                static readonly Scalar Held = 1.ToScalar();
                static void Run(Tensor a, Tensor b, double d)
                {
                    {{body}}
                }
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(TorchSharp.Scalar).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("snippet", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var diagnostics = await compilation.WithAnalyzers([new TorchScalarTemporaryAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return diagnostics.Where(d => d.Id == TorchScalarTemporaryAnalyzer.Id).ToImmutableArray();
    }

    [Theory]
    [InlineData("a.mul(0.5);", "implicit Scalar from double")]
    [InlineData("a.masked_fill(b, -100L);", "implicit Scalar from long")]
    [InlineData("a.mul(d.ToScalar());", "made inline")]
    [InlineData("var c = a + b;", "op_Addition")]
    [InlineData("var c = a * 2.0;", "op_Multiply")]
    [InlineData("a.add_(b);", "add_(Tensor)")]
    public async Task Refuses_a_Scalar_nothing_holds(string body, string mentions)
    {
        var diagnostic = Assert.Single(await AnalyzeAsync(body), d => d.GetMessage().Contains(mentions));
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity); // an error under TreatWarningsAsErrors
    }

    [Theory]
    [InlineData("using var s = d.ToScalar(); a.mul(s);")]
    [InlineData("a.add_(b, Held);")]
    [InlineData("a.masked_fill(b, Held);")]
    [InlineData("var c = a.matmul(b);")]
    public async Task Lets_a_held_Scalar_through(string body) => Assert.Empty(await AnalyzeAsync(body));
}
