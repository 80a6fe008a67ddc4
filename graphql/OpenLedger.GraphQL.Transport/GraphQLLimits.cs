namespace OpenLedger.GraphQL.Transport;

/// <summary>
/// The resource limits both transports enforce. A public gateway executes documents written by strangers,
/// so every dimension a request can grow in (size, nesting, breadth, time, open streams) has a ceiling.
/// Configure with <c>services.AddOpenLedgerGraphQLTransport(limits => ...)</c> or <c>services.Configure&lt;GraphQLLimits&gt;</c>.
/// </summary>
public sealed class GraphQLLimits
{
    /// <summary>
    /// Deepest field nesting allowed (<c>{ a { b } }</c> is 2), as GraphQL.NET's complexity analyzer counts it.
    /// The default leaves room for graphql-js 17's introspection query (depth 15: its type references nest
    /// <c>ofType</c> many times) and stops recursive types from being used to build exponentially large responses.
    /// <see langword="null"/> disables the check.
    /// </summary>
    public int? MaxDepth { get; set; } = 20;

    /// <summary>
    /// Largest complexity allowed, computed by GraphQL.NET 8's <c>ComplexityValidationRule</c>: every field costs 1
    /// and a list multiplies its children by 20 (or by its <c>first</c>/<c>last</c> argument). Roughly "how many
    /// fields could the response hold". Introspection fields count 1 each, lists included (graphql-js's introspection
    /// query costs about 2,700 on a small schema). <see langword="null"/> disables the check (and, with
    /// <see cref="MaxDepth"/> also null, the introspection depth check).
    /// </summary>
    public int? MaxComplexity { get; set; } = 20_000;

    /// <summary>How long one query or mutation (or the set-up of one subscription) may run before it is cancelled.</summary>
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

    internal void Validate()
    {
        if (MaxDepth is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxDepth), "must be positive or null");
        if (MaxComplexity is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxComplexity), "must be positive or null");
        if (ExecutionTimeout <= TimeSpan.Zero && ExecutionTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(ExecutionTimeout), "must be positive or Timeout.InfiniteTimeSpan");
        if (MaxBodyBytes is <= 0 or >= int.MaxValue) throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), "must be in 1..int.MaxValue-1");
        if (MaxSubscriptionsPerConnection <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSubscriptionsPerConnection), "must be positive");
        if (ConnectionInitTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectionInitTimeout), "must be positive");
        if (MaxPendingMessagesPerConnection <= 0) throw new ArgumentOutOfRangeException(nameof(MaxPendingMessagesPerConnection), "must be positive");
    }
}
