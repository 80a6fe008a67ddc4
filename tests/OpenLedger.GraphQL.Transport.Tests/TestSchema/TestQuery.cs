using GraphQL;
using GraphQL.Types;

namespace OpenLedger.GraphQL.Transport.Tests.TestSchema;

public sealed class TestQuery : ObjectGraphType
{
    public TestQuery(StreamTracker tracker)
    {
        Name = "Query";
        Field<NonNullGraphType<StringGraphType>>("hello")
            .Argument<StringGraphType>("name", configure: argument => argument.DefaultValue = "world")
            .Resolve(context => $"Hello, {context.GetArgument<string>("name")}!");
        Field<NonNullGraphType<DeepType>>("deep").Resolve(_ => 1);
        Field<NonNullGraphType<DeepPageType>>("page")
            .Argument<IntGraphType>("first")
            .Argument<IntGraphType>("last")
            .Resolve(context => Math.Max(context.GetArgument<int?>("first") ?? context.GetArgument<int?>("last") ?? 20, 0));
        // A large value: costs 100 and charges its size to the response budget before it is built.
        Field<StringGraphType>("blob")
            .Argument<NonNullGraphType<IntGraphType>>("kb")
            .Cost(100)
            .Resolve(context =>
            {
                var kb = Math.Clamp(context.GetArgument<int>("kb"), 0, 4096);
                context.ChargeResponseBytes(kb * 1024L);
                return new string('x', kb * 1024);
            });
        Field<StringGraphType>("slow")
            .Argument<IntGraphType>("ms", configure: argument => argument.DefaultValue = 10_000)
            .ResolveAsync(async context =>
            {
                try
                {
                    await Task.Delay(context.GetArgument<int>("ms"), context.CancellationToken);
                    return "done";
                }
                catch (OperationCanceledException)
                {
                    tracker.OnSlowCancelled();
                    throw;
                }
            });
        // An application error with its own code, and one without a code.
        Field<StringGraphType>("missingAccount").Resolve(_ => throw new ExecutionError("No such account.") { Code = "ACCOUNT_NOT_FOUND" });
        Field<StringGraphType>("uncoded").Resolve(_ => throw new ExecutionError("Something went wrong."));
    }
}
