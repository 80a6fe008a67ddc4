using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace OpenLedger.GraphQL.Transport.Http;

/// <summary>
/// Chooses the response media type from the <c>Accept</c> header (RFC 9110 §12.5.1): each media type takes the
/// quality of the most specific range that matches it; the higher quality wins; at equal quality an explicitly named
/// type beats a wildcard and an earlier one beats a later one ("the highest priority media type listed"). When only
/// a wildcard admits both, or no header is sent, the configured default applies (see
/// <see cref="GraphQLHttpOptions.LegacyJsonWhenAcceptMissing"/>). Ranges asking for a charset other than UTF-8 match
/// nothing, since responses are only ever UTF-8. Returns <see langword="null"/> when neither type is acceptable (406).
/// </summary>
internal static class AcceptNegotiator
{
    private static readonly (ResponseMediaType Type, string Name)[] Candidates =
    [
        (ResponseMediaType.GraphQLResponseJson, ResponseMediaTypes.GraphQLResponseJson),
        (ResponseMediaType.Json, ResponseMediaTypes.Json),
    ];

    public static ResponseMediaType? Negotiate(StringValues acceptHeaders, bool legacyJsonWhenAcceptMissing)
    {
        var fallback = legacyJsonWhenAcceptMissing ? ResponseMediaType.Json : ResponseMediaType.GraphQLResponseJson;
        if (StringValues.IsNullOrEmpty(acceptHeaders))
            return fallback;

        // Per candidate: the most specific matching range's quality, that range's specificity and its position.
        Span<(double Quality, int Specificity, int Position)> best = stackalloc (double, int, int)[Candidates.Length];
        best.Fill((0, -1, int.MaxValue));

        var position = 0;
        foreach (var header in acceptHeaders)
        {
            if (header is null) continue;
            foreach (var rawRange in header.Split(','))
            {
                position++;
                if (!TryParseRange(rawRange, out var type, out var subtype, out var quality)) continue;
                for (var i = 0; i < Candidates.Length; i++)
                {
                    var specificity = Specificity(type, subtype, Candidates[i].Name);
                    if (specificity > best[i].Specificity)
                        best[i] = (quality, specificity, position);
                }
            }
        }

        int? winner = null;
        for (var i = 0; i < Candidates.Length; i++)
        {
            if (best[i].Specificity < 0 || best[i].Quality <= 0) continue;
            if (winner is not { } w || Better(best[i], best[w])) winner = i;
            else if (!Better(best[w], best[i]) && Candidates[i].Type == fallback) winner = i; // same range admitted both
        }
        return winner is { } index ? Candidates[index].Type : null;
    }

    private static bool Better((double Quality, int Specificity, int Position) a, (double Quality, int Specificity, int Position) b)
    {
        if (a.Quality != b.Quality) return a.Quality > b.Quality;
        if (a.Specificity != b.Specificity) return a.Specificity > b.Specificity;
        return a.Position < b.Position;
    }

    /// <summary>2 for an exact match, 1 for <c>type/*</c>, 0 for <c>*/*</c>, -1 when the range does not match.</summary>
    private static int Specificity(string type, string subtype, string candidate)
    {
        var slash = candidate.IndexOf('/');
        var candidateType = candidate.AsSpan(0, slash);
        var candidateSubtype = candidate.AsSpan(slash + 1);
        if (type == "*") return subtype == "*" ? 0 : -1;
        if (!candidateType.Equals(type, StringComparison.OrdinalIgnoreCase)) return -1;
        if (subtype == "*") return 1;
        return candidateSubtype.Equals(subtype, StringComparison.OrdinalIgnoreCase) ? 2 : -1;
    }

    private static bool TryParseRange(string range, out string type, out string subtype, out double quality)
    {
        type = subtype = "";
        quality = 1;
        var parts = range.Split(';');
        var mediaRange = parts[0].Trim();
        var slash = mediaRange.IndexOf('/');
        if (slash <= 0 || slash == mediaRange.Length - 1) return false;
        type = mediaRange[..slash].Trim();
        subtype = mediaRange[(slash + 1)..].Trim();
        if (type.Length == 0 || subtype.Length == 0) return false;

        for (var i = 1; i < parts.Length; i++)
        {
            var parameter = parts[i];
            var equals = parameter.IndexOf('=');
            if (equals < 0) continue;
            var name = parameter[..equals].Trim();
            var value = parameter[(equals + 1)..].Trim().Trim('"');
            if (name.Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                // A malformed weight makes the whole range unusable rather than silently "1".
                if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quality) || quality is < 0 or > 1)
                    return false;
            }
            else if (name.Equals("charset", StringComparison.OrdinalIgnoreCase)
                     && !value.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                     && !value.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return true;
    }
}
