using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Grains.Books;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Books;

/// <summary>The books' fields on the query, datanet, model and chain types, each added with one call, so the
/// statement's arguments, bounds and errors are written once. A statement reads a range of blocks (at most
/// <see cref="StatementLimits.MaxBlocks"/>, and at most <see cref="StatementLimits.MaxRows"/> transactions and
/// events in it); beyond a bound it is refused with a stable code (<c>STATEMENT_RANGE_TOO_LARGE</c>,
/// <c>STATEMENT_TOO_MANY_ROWS</c>), never read partly.</summary>
public static class BooksFields
{
    /// <summary>What a statement costs the cost analyzer: it reads up to a range of blocks from the store.</summary>
    private const double StatementCost = 50;

    public static void AddStatement(this ObjectGraphType query) =>
        Arguments(query.Field<NonNullGraphType<StatementType>>("statement")
                .Description("An account's earnings statement: every wei that moved to or from it, by kind (transfers, gas, contribution fees, " +
                             "stakes, escrows, settlement credits by role, expiry refunds), and the forfeits of its stakes as memo lines.")
                .Argument<NonNullGraphType<AddressGraphType>>("address"))
            .ResolveAsync(async c => await StatementAsync(c, new StatementRequest(Account: c.GetArgument<Address>("address"))));

    public static void AddStatement(this ObjectGraphType<Datanet> datanet) =>
        Arguments(datanet.Field<NonNullGraphType<StatementType>>("statement")
                .Description("This datanet's books: contribution fees paid to its owner, stakes locked, returned, forfeited (to the owner or the treasury) " +
                             "and refunded, and the settlement credits paid to its contributors."))
            .ResolveAsync(async c => await StatementAsync(c, new StatementRequest(Datanet: c.Source.Id)));

    public static void AddStatement(this ObjectGraphType<Model> model) =>
        Arguments(model.Field<NonNullGraphType<StatementType>>("statement")
                .Description("This model's books: its inferences' escrows, their refunds or forfeits at expiry, and each settlement's split " +
                             "(protocol, owner = the model's revenue, contributors)."))
            .ResolveAsync(async c => await StatementAsync(c, new StatementRequest(Model: c.Source.Id)));

    public static void AddSupply(this ObjectGraphType<ChainInfo> chain)
    {
        chain.Field<NonNullGraphType<WeiAmountGraphType>>("totalSupply")
            .Description("The genesis allocations: no transaction creates or destroys a wei, so balances + held = totalSupply.")
            .Resolve(c => c.Source.TotalSupply);
        chain.Field<NonNullGraphType<HeldType>>("held")
            .Description("What the marketplace holds of the supply (escrows and stakes), as of the head.")
            .ResolveAsync(async c => await c.Grains().GetGrain<ISupplyGrain>(0).GetAsync());
    }

    private static FieldBuilder<TSource, object> Arguments<TSource>(FieldBuilder<TSource, object> field) =>
        field.Argument<LongGraphType>("fromHeight", $"The first block (default: {StatementLimits.MaxBlocks} blocks back from toHeight; 0 includes the genesis allocations).")
            .Argument<LongGraphType>("toHeight", "The last block (default: the head).")
            .Argument<IntGraphType>("first", $"Lines per page, 1 to {StatementLimits.MaxPage} (default {StatementLimits.DefaultPage}).")
            .Argument<IntGraphType>("offset", "Lines to skip (default 0).")
            .Cost(StatementCost);

    private static async Task<StatementView> StatementAsync(IResolveFieldContext c, StatementRequest request)
    {
        var view = await c.Grains().GetGrain<IBooksGrain>(0).GetStatementAsync(request with
        {
            FromHeight = c.GetArgument<long?>("fromHeight"),
            ToHeight = c.GetArgument<long?>("toHeight"),
            Limit = c.GetArgument<int?>("first") ?? StatementLimits.DefaultPage,
            Offset = c.GetArgument<int?>("offset") ?? 0,
        });
        return view.ErrorCode is { } code ? throw new InvalidInputError(code, view.Message ?? code) : view;
    }
}
