using System.Runtime.CompilerServices;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// Wraps the host's <see cref="IDocumentValidator"/> so that a document from the <see cref="DocumentCache"/> whose
/// operation declares no variables is not walked again on every request. With no rules to run (the executor passes
/// none for such a document) the validator only coerces the variables (there are none) and parses the literal
/// arguments and directives of the operation's fields; all of that depends on the schema and the document alone, so the
/// first valid result is kept with the operation node (and goes when the cache drops the document).
/// <para>
/// Each request gets its own copies of the argument and directive maps: GraphQL.NET's executor adds entries to them
/// when it merges fields of the same response name, and a serial (mutation) execution uses them without copying.
/// </para>
/// </summary>
internal sealed class ReusedValidationResults(IDocumentValidator inner) : IDocumentValidator
{
    private readonly ConditionalWeakTable<GraphQLOperationDefinition, Kept> _kept = [];

    private sealed record Kept(ISchema Schema, IValidationResult Result);

    public Task<IValidationResult> ValidateAsync(in ValidationOptions options)
    {
        if (!IsReusable(options)) return inner.ValidateAsync(options);
        if (_kept.TryGetValue(options.Operation, out var kept) && ReferenceEquals(kept.Schema, options.Schema))
            return Task.FromResult<IValidationResult>(Copy(kept.Result));
        return ValidateAndKeepAsync(options.Operation, options.Schema, inner.ValidateAsync(options));
    }

    /// <summary>No rules and no variables: what the validator returns is the same for every request.</summary>
    private static bool IsReusable(in ValidationOptions options) =>
        options.Rules is ICollection<IValidationRule> { Count: 0 }
        && options.Operation.Variables is not { Items.Count: > 0 };

    private async Task<IValidationResult> ValidateAndKeepAsync(GraphQLOperationDefinition operation, ISchema schema,
        Task<IValidationResult> validation)
    {
        var result = await validation.ConfigureAwait(false);
        if (!result.IsValid) return result;
        var kept = new ValidationResult
        {
            Variables = result.Variables,
            ArgumentValues = Copy(result.ArgumentValues),
            DirectiveValues = Copy(result.DirectiveValues),
        };
        _kept.AddOrUpdate(operation, new Kept(schema, kept));
        return result;
    }

    private static ValidationResult Copy(IValidationResult kept) => new()
    {
        Variables = kept.Variables,
        ArgumentValues = Copy(kept.ArgumentValues),
        DirectiveValues = Copy(kept.DirectiveValues),
    };

    private static Dictionary<TKey, TValue>? Copy<TKey, TValue>(IReadOnlyDictionary<TKey, TValue>? source) where TKey : notnull =>
        source is null ? null : new Dictionary<TKey, TValue>(source);
}
