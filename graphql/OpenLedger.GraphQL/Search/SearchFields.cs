using GraphQL;
using GraphQL.Types;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Search;

/// <summary>The explorer's search box: <c>search(text)</c> says what a pasted or typed value is, so a client never
/// guesses by length or tries every query in turn.</summary>
public static class SearchFields
{
    /// <summary>The most matches: a hash can be a marketplace object, the transaction that created it and a block.</summary>
    private const int MaxMatches = 3;

    public static void AddSearch(this ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SearchMatchType>>>>("search")
            .Description("What a block height, hash or address names on this chain: a block (by height or hash), a transaction (committed or pending), " +
                         "an account (any address), a datanet, contribution, datanet version, model or inference (by id). A marketplace object comes " +
                         "before the transaction that created it (their ids are its hash); empty when nothing matches; INVALID_SEARCH for text " +
                         $"that is none of these (or longer than {SearchText.MaxLength} characters).")
            .Argument<NonNullGraphType<StringGraphType>>("text")
            .ListSize(MaxMatches)
            .Cost(5)
            .ResolveAsync(async c =>
            {
                if (!SearchText.TryParse(c.GetArgument<string>("text"), out var text, out var why))
                    throw new InvalidInputError(SearchText.InvalidSearch, why);
                var grains = c.Grains();
                var matches = new List<SearchMatch>(MaxMatches);
                if (text.Address is { } address)
                    matches.Add(new SearchMatch(SearchKind.Account, address.ToString(), address));
                else if (text.Height is { } height)
                {
                    if (await c.LoadBlock(height).GetResultAsync(c.CancellationToken) is { } block)
                        matches.Add(new SearchMatch(SearchKind.Block, height.ToString(System.Globalization.CultureInfo.InvariantCulture), block));
                }
                else if (text.Hash is { } hash)
                {
                    var key = hash.ToString();
                    var obj = c.MarketQuery().GetObjectAsync(hash);
                    var tx = grains.GetGrain<ITransactionGrain>(GrainKeys.Of(hash)).GetAsync();
                    var blockHeight = grains.GetGrain<IChainGrain>(0).HeightOfAsync(hash);
                    if (await obj is { } view && SearchMatch.KindOf(view.Object) is { } kind) matches.Add(new SearchMatch(kind, key, view.Object));
                    if (await tx is { Status: not TxStatus.Unknown } t) matches.Add(new SearchMatch(SearchKind.Transaction, key, t));
                    if (await blockHeight is { } h && await c.LoadBlock(h).GetResultAsync(c.CancellationToken) is { } b)
                        matches.Add(new SearchMatch(SearchKind.Block, key, b));
                }
                return matches;
            });
}
