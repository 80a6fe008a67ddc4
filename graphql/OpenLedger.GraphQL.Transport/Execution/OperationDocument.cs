using GraphQL;
using GraphQL.Execution;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace OpenLedger.GraphQL.Transport.Execution;

/// <summary>
/// A request's document, parsed once by the transport before execution. The transport must know the operation type
/// before it runs anything: a mutation over GET is refused with 405, and a subscription over HTTP cannot be served.
/// The parsed document is then handed to the executer, so the text is parsed exactly once.
/// </summary>
internal sealed class OperationDocument
{
    private OperationDocument(GraphQLDocument? document, GraphQLOperationDefinition? operation, ExecutionError? parseError,
        bool validated = false)
    {
        Document = document;
        Operation = operation;
        ParseError = parseError;
        Validated = validated;
    }

    /// <summary>The parsed document, or <see langword="null"/> when it did not parse.</summary>
    public GraphQLDocument? Document { get; }

    /// <summary>
    /// The type of the operation the request selects, or <see langword="null"/> when none can be selected (no such
    /// name, or several operations and no name); the executer then reports that as a request error.
    /// </summary>
    public OperationType? OperationType => Operation?.Operation;

    /// <summary>The operation the request selects, or <see langword="null"/> when none can be selected.</summary>
    public GraphQLOperationDefinition? Operation { get; }

    /// <summary>Why the document did not parse (code <see cref="GraphQLErrorCodes.ParseFailed"/>).</summary>
    public ExecutionError? ParseError { get; }

    /// <summary>
    /// The document passed the shape checks and the specification's validation for this operation once already (it
    /// came from the <see cref="DocumentCache"/>): only what depends on the variables needs checking again.
    /// </summary>
    public bool Validated { get; }

    /// <summary>The selected operation declares variables, so its cost and depth can differ from request to request.</summary>
    public bool HasVariables => Operation?.Variables?.Items is { Count: > 0 };

    /// <summary>The same document, marked as validated, to be kept by the <see cref="DocumentCache"/>.</summary>
    public OperationDocument AsValidated() => new(Document, Operation, ParseError, validated: true);

    public static OperationDocument Parse(string query, string? operationName)
    {
        GraphQLDocument document;
        try
        {
            // Comments are not needed for execution; locations are kept so errors can point into the text.
            document = Parser.Parse(query, new ParserOptions { Ignore = IgnoreOptions.Comments });
        }
        catch (GraphQLSyntaxErrorException ex)
        {
            return new OperationDocument(null, null, new SyntaxError(ex) { Code = GraphQLErrorCodes.ParseFailed });
        }
        catch (GraphQLParserException ex)
        {
            // The parser's own recursion guard (a document nested hundreds of levels deep) is a parse failure too;
            // GraphQL.NET would otherwise surface it as an unhandled error.
            return new OperationDocument(null, null, new RequestRejectedError(GraphQLErrorCodes.ParseFailed, "Error parsing query: " + ex.Message));
        }

        // GraphQL's grammar requires at least one definition; GraphQL-Parser accepts an empty document.
        if (document.Definitions.Count == 0)
            return new OperationDocument(null, null, new RequestRejectedError(GraphQLErrorCodes.ParseFailed, "Error parsing query: the document is empty."));

        return new OperationDocument(document, SelectOperation(document, operationName), null);
    }

    /// <summary>GraphQL's GetOperation(): the named operation, or the only one when no name is given.</summary>
    private static GraphQLOperationDefinition? SelectOperation(GraphQLDocument document, string? operationName)
    {
        GraphQLOperationDefinition? selected = null;
        foreach (var definition in document.Definitions)
        {
            if (definition is not GraphQLOperationDefinition operation) continue;
            if (operationName is null)
            {
                if (selected is not null) return null;
                selected = operation;
            }
            else if (operation.Name is { } name && name.Value == operationName)
            {
                return operation;
            }
        }
        return selected;
    }
}
