using GraphQL;

namespace OpenLedger.GraphQL.Transport;

/// <summary>
/// The bytes one request's large values add to its response, against <see cref="GraphQLLimits.MaxResponseBytes"/>.
/// Measuring the serialised response alone would come too late: by then every value is in memory (300 aliases of a
/// 1 MiB text are 300 MB). A resolver of a large value charges its size before it reads it, so a request that would
/// answer too much fails at the first value past the limit and its other resolvers are cancelled.
/// </summary>
public sealed class ResponseBudget
{
    internal const string UserContextKey = "openledger.responseBudget";

    private readonly long _maxBytes;
    private readonly bool _cumulative;
    private readonly Action? _onExceeded;
    private long _charged;
    private int _exceeded;

    /// <param name="maxBytes">The limit.</param>
    /// <param name="cumulative">Whether charges add up (a query or mutation) or each is checked alone (a subscription,
    /// whose events are separate responses).</param>
    /// <param name="onExceeded">Called once, on the first charge past the limit (the executor cancels the request).</param>
    internal ResponseBudget(long maxBytes, bool cumulative, Action? onExceeded)
    {
        _maxBytes = maxBytes;
        _cumulative = cumulative;
        _onExceeded = onExceeded;
    }

    /// <summary>Whether a charge went past the limit.</summary>
    public bool Exceeded => Volatile.Read(ref _exceeded) != 0;

    internal long MaxBytes => _maxBytes;

    internal void Charge(long bytes)
    {
        if (bytes < 0) throw new ArgumentOutOfRangeException(nameof(bytes));
        var total = _cumulative ? Interlocked.Add(ref _charged, bytes) : bytes;
        if (total <= _maxBytes && !Exceeded) return;
        if (Interlocked.Exchange(ref _exceeded, 1) == 0) _onExceeded?.Invoke();
        throw ResponseTooLargeError.Create(_maxBytes);
    }
}

/// <summary>How resolvers charge the size of large values to their request's <see cref="ResponseBudget"/>.</summary>
public static class ResponseBudgetExtensions
{
    /// <summary>
    /// Adds <paramref name="bytes"/> (what the value will take in the response, about) to the request's tally; throws an
    /// <see cref="ExecutionError"/> with code <see cref="GraphQLErrorCodes.ResponseTooLarge"/> when that passes
    /// <see cref="GraphQLLimits.MaxResponseBytes"/>. Does nothing outside the gateway's transports (no budget).
    /// </summary>
    public static void ChargeResponseBytes(this IResolveFieldContext context, long bytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.UserContext.TryGetValue(ResponseBudget.UserContextKey, out var value) && value is ResponseBudget budget)
            budget.Charge(bytes);
    }
}

/// <summary>The response would exceed <see cref="GraphQLLimits.MaxResponseBytes"/>.</summary>
internal sealed class ResponseTooLargeError : ExecutionError
{
    private ResponseTooLargeError(string message) : base(message)
    {
        Code = GraphQLErrorCodes.ResponseTooLarge;
    }

    public static ResponseTooLargeError Create(long maxBytes) =>
        new($"The response would be larger than the maximum of {maxBytes} bytes; ask for fewer or smaller values.");
}
