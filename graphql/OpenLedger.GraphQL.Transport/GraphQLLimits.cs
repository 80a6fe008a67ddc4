namespace OpenLedger.GraphQL.Transport;

/// <summary>
/// The resource limits both transports enforce. A public gateway executes documents written by strangers,
/// so every dimension a request can grow in (size, shape, nesting, cost, time, response size, open streams) has a
/// ceiling. The checks run in this order, each refusing with its own <c>extensions.code</c>
/// (see <see cref="GraphQLErrorCodes"/>): body size while reading; the document's shape right after parsing, before
/// any GraphQL validation (<see cref="MaxSelections"/>, <see cref="MaxAliases"/>, <see cref="MaxRootFields"/>, fragment
/// nesting); the specification's validation; then page arguments, depth and cost (<see cref="MaxPageSize"/>,
/// <see cref="MaxDepth"/>, <see cref="MaxComplexity"/>); during execution the timeout and the response size.
/// Configure with <c>services.AddOpenLedgerGraphQLTransport(limits => ...)</c> or <c>services.Configure&lt;GraphQLLimits&gt;</c>.
/// </summary>
public sealed class GraphQLLimits
{
    /// <summary>
    /// Deepest field nesting allowed (<c>{ a { b } }</c> is 2), counted through fragments. The default leaves room for
    /// graphql-js 17's introspection query (depth 15: its type references nest <c>ofType</c> many times) and stops
    /// recursive types from being used to build exponentially large responses. <see langword="null"/> disables the check.
    /// </summary>
    public int? MaxDepth { get; set; } = 20;

    /// <summary>
    /// Largest cost allowed, as the gateway's own analyzer computes it (linear in the document's size: each fragment is
    /// costed once). A field costs 1 unless the schema declares more with <c>Cost(n)</c> (large text, proofs, fields that
    /// read a lot); a field returning a list of objects multiplies its selection's cost by the list's bound: the
    /// <c>first</c>/<c>last</c> page size for the lists of a paged field (a field with <c>first</c> or <c>last</c>
    /// arguments; <see cref="DefaultPageSize"/> when neither is given), the bound the schema declares with
    /// <c>ListSize(n)</c>, or else <see cref="DefaultListSize"/>. Introspection fields cost 1 each, lists included
    /// (they are bounded by the schema; their recursion is bounded by graphql-js's introspection depth rule).
    /// Roughly: how many fields, or KiB of large values, the response could hold. <see langword="null"/> disables the check.
    /// </summary>
    public int? MaxComplexity { get; set; } = 20_000;

    /// <summary>
    /// Largest <c>first</c> or <c>last</c> argument of a paged field. A negative value, or one above this, is refused
    /// before costing with <see cref="GraphQLErrorCodes.InvalidPageSize"/> (a negative page size would otherwise make
    /// the cost negative and hide the rest of the document).
    /// </summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>The page size the cost analyzer assumes for a paged field given neither <c>first</c> nor <c>last</c>;
    /// the schema's resolvers use the same default.</summary>
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>Items the cost analyzer assumes for a list of objects whose field declares no <c>ListSize</c> and is not
    /// the list of a paged field.</summary>
    public int DefaultListSize { get; set; } = 100;

    /// <summary>
    /// Most selections (fields, fragment spreads and inline fragments) written in one document, all its definitions
    /// counted. Checked right after parsing, before the specification's validation, some of whose rules are quadratic
    /// in the number of fields. graphql-js 17's introspection query has 75. <see langword="null"/> disables the check.
    /// </summary>
    public int? MaxSelections { get; set; } = 1_000;

    /// <summary>
    /// Most aliased fields in one document. Aliases are how one expensive field is asked for many times in one
    /// request (300 aliases of a 1 MiB text); real clients alias a few fields. <see langword="null"/> disables the check.
    /// </summary>
    public int? MaxAliases { get; set; } = 50;

    /// <summary>
    /// Most fields the selected operation executes at its root (distinct response names, fragments included): each is
    /// an independent read started at once. <see langword="null"/> disables the check.
    /// </summary>
    public int? MaxRootFields { get; set; } = 20;

    /// <summary>
    /// Largest serialised response, in bytes. A response that would be larger is answered with one error,
    /// <see cref="GraphQLErrorCodes.ResponseTooLarge"/>, and <c>"data": null</c>. Resolvers of large values charge their
    /// size as they resolve (<c>ChargeResponseBytes</c>), so such a request stops reading once past the limit instead of
    /// holding every value in memory; the serialised response is measured as well. For a subscription it applies to each event.
    /// </summary>
    public long MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// How long one query or mutation (or the set-up of one subscription) may run, validation included, before it is
    /// cancelled (<see cref="GraphQLErrorCodes.Timeout"/>). The work also stops when the HTTP client disconnects or the
    /// WebSocket operation is completed.
    /// </summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest HTTP request body, and largest WebSocket message, in bytes. Enforced while reading.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Operations (subscriptions and in-flight queries) one WebSocket connection may hold open at once.</summary>
    public int MaxSubscriptionsPerConnection { get; set; } = 100;

    /// <summary>How long a WebSocket may stay open without sending <c>connection_init</c> (then: close 4408).</summary>
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Messages that may wait to be sent on one WebSocket. A client that stops reading while its subscriptions keep
    /// producing would otherwise make the server buffer without bound; past this the connection is closed (1008).
    /// </summary>
    public int MaxPendingMessagesPerConnection { get; set; } = 4096;

    /// <summary>
    /// Most validated documents kept, by text and operation name, so a repeated query is neither parsed nor validated
    /// again (the checks that depend on variables still run). 0 disables the cache.
    /// </summary>
    public int DocumentCacheEntries { get; set; } = 1_000;

    /// <summary>
    /// Most bytes of document text (UTF-16) those documents may hold together; their parsed trees take a small multiple
    /// of it. A document larger than an eighth of this is not kept.
    /// </summary>
    public long DocumentCacheBytes { get; set; } = 4 * 1024 * 1024;

    internal void Validate()
    {
        if (MaxDepth is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxDepth), "must be positive or null");
        if (MaxComplexity is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxComplexity), "must be positive or null");
        if (MaxPageSize <= 0) throw new ArgumentOutOfRangeException(nameof(MaxPageSize), "must be positive");
        if (DefaultPageSize <= 0 || DefaultPageSize > MaxPageSize) throw new ArgumentOutOfRangeException(nameof(DefaultPageSize), "must be in 1..MaxPageSize");
        if (DefaultListSize <= 0) throw new ArgumentOutOfRangeException(nameof(DefaultListSize), "must be positive");
        if (MaxSelections is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSelections), "must be positive or null");
        if (MaxAliases is < 0) throw new ArgumentOutOfRangeException(nameof(MaxAliases), "must not be negative, or null");
        if (MaxRootFields is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxRootFields), "must be positive or null");
        if (MaxResponseBytes is <= 0 or >= int.MaxValue) throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), "must be in 1..int.MaxValue-1");
        if (ExecutionTimeout <= TimeSpan.Zero && ExecutionTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(ExecutionTimeout), "must be positive or Timeout.InfiniteTimeSpan");
        if (MaxBodyBytes is <= 0 or >= int.MaxValue) throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), "must be in 1..int.MaxValue-1");
        if (MaxSubscriptionsPerConnection <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSubscriptionsPerConnection), "must be positive");
        if (ConnectionInitTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectionInitTimeout), "must be positive");
        if (DocumentCacheEntries < 0) throw new ArgumentOutOfRangeException(nameof(DocumentCacheEntries), "must not be negative");
        if (DocumentCacheBytes < 0) throw new ArgumentOutOfRangeException(nameof(DocumentCacheBytes), "must not be negative");
        if (MaxPendingMessagesPerConnection <= 0) throw new ArgumentOutOfRangeException(nameof(MaxPendingMessagesPerConnection), "must be positive");
    }
}
