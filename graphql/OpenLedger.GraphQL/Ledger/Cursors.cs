using GraphQL;
using GraphQL.Types.Relay.DataObjects;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>Opaque Relay cursors over chain positions: base64 of "height:index". History is newest first, so
/// "after" a cursor means older than it.</summary>
internal static class Cursors
{
    public readonly record struct Position(long Height, int Index);

    /// <summary>Base64 of the ASCII text "height:index", formatted on the stack: a page encodes one cursor per row,
    /// whether or not the query asks for them.</summary>
    public static string Encode(Position p)
    {
        Span<byte> text = stackalloc byte[32]; // a long (20 characters), ':' and an int (11)
        p.Height.TryFormat(text, out var length, default, System.Globalization.CultureInfo.InvariantCulture);
        text[length++] = (byte)':';
        p.Index.TryFormat(text[length..], out var indexLength, default, System.Globalization.CultureInfo.InvariantCulture);
        return Convert.ToBase64String(text[..(length + indexLength)]);
    }

    public static Position? Decode(string? cursor)
    {
        if (cursor is null) return null;
        try
        {
            var parts = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(cursor)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], out var h) && int.TryParse(parts[1], out var i) && h >= 0 && i >= 0) return new Position(h, i);
        }
        catch (FormatException) { }
        throw new Scalars.InvalidInputError("BAD_CURSOR", $"'{cursor}' is not a cursor this API issued");
    }

    /// <summary>Builds a connection from up to first + 1 rows (the extra one only says a next page exists).</summary>
    /// <param name="edgeCursors">Whether the query reads the edges (and so their cursors); without them only the page's
    /// first and last cursors are encoded, for <c>pageInfo</c>.</param>
    public static Connection<T> Page<T>(IReadOnlyList<T> rows, int first, Func<T, Position> position, int? totalCount = null,
        bool hasPrevious = false, bool edgeCursors = true)
    {
        var count = Math.Min(first, rows.Count);
        var edges = new List<Edge<T>>(count);
        for (var i = 0; i < count; i++)
            edges.Add(new Edge<T> { Node = rows[i], Cursor = edgeCursors || i == 0 || i == count - 1 ? Encode(position(rows[i])) : null });
        return new Connection<T>
        {
            Edges = edges,
            TotalCount = totalCount,
            PageInfo = new PageInfo
            {
                HasNextPage = rows.Count > first,
                HasPreviousPage = hasPrevious,
                StartCursor = count > 0 ? edges[0].Cursor : null,
                EndCursor = count > 0 ? edges[^1].Cursor : null,
            },
        };
    }

    /// <summary>Whether a connection field's selection reads its edges (directly or through fragments).</summary>
    public static bool SelectsEdges(IResolveFieldContext context) =>
        context.SubFields is not { } fields || fields.Values.Any(f => f.FieldType.Name == "edges");
}
