using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace OpenLedger.Analyzers;

/// <summary>
/// OL1001: a TorchSharp <c>Scalar</c> that nothing holds while libtorch uses it.
/// </summary>
/// <remarks>
/// A <c>TorchSharp.Scalar</c> wraps a native <c>at::Scalar</c> behind a plain pointer and frees it in its finalizer.
/// A temporary one (<c>t.mul(0.5)</c>, <c>t.masked_fill(m, -100)</c>, <c>t + u</c>, whose <c>add</c> passes an
/// internal <c>1</c>) is unreachable as soon as its pointer has been read, so a garbage collection on another thread
/// during the native call can finalize it while libtorch still reads it: a native error about a garbage value, or
/// worse. The fix is a Scalar the code holds across the call: a local in a <c>using</c>, or a long-lived static.
/// This rule reports (a) implicit conversions to <c>Scalar</c>, (b) Scalar arguments that are the direct result of a
/// call (<c>x.ToScalar()</c> inline), and (c) calls to TorchSharp members that make such temporaries internally,
/// found by reading TorchSharp's own IL (<see cref="TorchSharpHazards"/>), so a TorchSharp upgrade is re-checked by
/// the build.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TorchScalarTemporaryAnalyzer : DiagnosticAnalyzer
{
    public const string Id = "OL1001";

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        "TorchSharp Scalar left to the finalizer during a native call",
        "{0}: the Scalar is a temporary that the finalizer can free while libtorch still reads it; hold it across the call (a 'using' local or a static)",
        "Reliability",
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "TorchSharp frees a Scalar's native value in its finalizer; a temporary Scalar can be finalized during the native call that uses it.");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scalar = start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar");
            if (scalar is null) return; // no TorchSharp here
            var hazards = TorchSharpHazards.For(start.Compilation, scalar.ContainingAssembly);

            start.RegisterOperationAction(c =>
            {
                var conversion = (IConversionOperation)c.Operation;
                if (!conversion.IsImplicit || conversion.OperatorMethod is not { } op) return;
                if (!SymbolEqualityComparer.Default.Equals(op.ReturnType, scalar)) return;
                c.ReportDiagnostic(Diagnostic.Create(Rule, conversion.Syntax.GetLocation(),
                    $"an implicit Scalar from {conversion.Operand.Type?.ToDisplayString() ?? "a value"}"));
            }, OperationKind.Conversion);

            start.RegisterOperationAction(c =>
            {
                var argument = (IArgumentOperation)c.Operation;
                if (argument.Parameter is null || !SymbolEqualityComparer.Default.Equals(argument.Parameter.Type, scalar)) return;
                if (argument.Value is IInvocationOperation or IObjectCreationOperation)
                    c.ReportDiagnostic(Diagnostic.Create(Rule, argument.Syntax.GetLocation(),
                        $"the Scalar argument '{argument.Parameter.Name}' is made inline"));
            }, OperationKind.Argument);

            if (hazards.Count == 0) return;
            void ReportCall(OperationAnalysisContext c, IMethodSymbol? method)
            {
                if (method is null) return;
                var original = method.OriginalDefinition;
                if (!SymbolEqualityComparer.Default.Equals(original.ContainingAssembly, scalar.ContainingAssembly)) return;
                if (!hazards.Contains(original.MetadataToken)) return;
                c.ReportDiagnostic(Diagnostic.Create(Rule, c.Operation.Syntax.GetLocation(),
                    $"TorchSharp's {original.ContainingType.Name}.{original.Name}({string.Join(", ", original.Parameters.Select(p => p.Type.Name))}) makes a Scalar internally"));
            }
            start.RegisterOperationAction(c => ReportCall(c, ((IInvocationOperation)c.Operation).TargetMethod), OperationKind.Invocation);
            start.RegisterOperationAction(c => ReportCall(c, ((IObjectCreationOperation)c.Operation).Constructor), OperationKind.ObjectCreation);
            start.RegisterOperationAction(c => ReportCall(c, ((IBinaryOperation)c.Operation).OperatorMethod), OperationKind.Binary);
            start.RegisterOperationAction(c => ReportCall(c, ((IUnaryOperation)c.Operation).OperatorMethod), OperationKind.Unary);
            start.RegisterOperationAction(c => ReportCall(c, ((ICompoundAssignmentOperation)c.Operation).OperatorMethod), OperationKind.CompoundAssignment);
            start.RegisterOperationAction(c =>
            {
                var conversion = (IConversionOperation)c.Operation;
                if (conversion.OperatorMethod is { } op && !SymbolEqualityComparer.Default.Equals(op.ReturnType, scalar)) ReportCall(c, op);
            }, OperationKind.Conversion);
        });
    }
}
