namespace OpenLedger.Grains.Books;

/// <summary>What one statement may cost: a range of blocks, and the transactions and events read in it (a producer's
/// or a busy datanet's statement reads every transaction or event of the range). A request beyond a bound is refused
/// with a stable code rather than read partly: the caller narrows the range.</summary>
public static class StatementLimits
{
    /// <summary>The most blocks one statement covers (and the default range, back from the head).</summary>
    public const long MaxBlocks = 10_000;

    /// <summary>The most transactions plus events one statement reads.</summary>
    public const int MaxRows = 50_000;

    /// <summary>The most lines one page returns (the gateway's largest page, GraphQLLimits.MaxPageSize).</summary>
    public const int MaxPage = 100;

    /// <summary>Lines per page when not asked (the gateway's default page, which its cost analyzer assumes).</summary>
    public const int DefaultPage = 20;

    /// <summary>fromHeight above toHeight, a negative height, or a height above the head.</summary>
    public const string BadRange = "BAD_RANGE";

    /// <summary>More than <see cref="MaxBlocks"/> blocks.</summary>
    public const string RangeTooLarge = "STATEMENT_RANGE_TOO_LARGE";

    /// <summary>More than <see cref="MaxRows"/> transactions and events in the range.</summary>
    public const string TooManyRows = "STATEMENT_TOO_MANY_ROWS";

    /// <summary>A page size outside 1..<see cref="MaxPage"/> or a negative offset.</summary>
    public const string BadPage = "INVALID_PAGE_SIZE";

    /// <summary>None or more than one of account, datanet and model.</summary>
    public const string BadSubject = "BAD_ARGUMENTS";

    /// <summary>The blocks a request covers at <paramref name="head"/> (its defaults filled in), or why it is refused.</summary>
    public static StatementView? Check(StatementRequest q, long head, out long from, out long to)
    {
        to = q.ToHeight ?? head;
        from = q.FromHeight ?? Math.Max(0, to - MaxBlocks + 1);
        if ((q.Account is null ? 0 : 1) + (q.Datanet is null ? 0 : 1) + (q.Model is null ? 0 : 1) != 1)
            return StatementView.Error(BadSubject, "give exactly one of an account, a datanet and a model");
        if (q.Offset < 0 || q.Limit < 1 || q.Limit > MaxPage)
            return StatementView.Error(BadPage, $"a page is 1 to {MaxPage} lines from offset 0 or more");
        if (from < 0 || to < from || to > head)
            return StatementView.Error(BadRange, $"blocks {from}..{to} are not a range of this chain (head {head})");
        if (to - from + 1 > MaxBlocks)
            return StatementView.Error(RangeTooLarge, $"{to - from + 1} blocks; a statement covers at most {MaxBlocks}: narrow fromHeight..toHeight");
        return null;
    }
}
