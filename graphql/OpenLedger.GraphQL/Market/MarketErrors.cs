namespace OpenLedger.GraphQL.Market;

/// <summary>The <c>extensions.code</c> values the marketplace fields raise for arguments that do not fit together
/// (errors about one value carry the scalar's code, e.g. BAD_HASH, or the ledger's, e.g. InvalidField).</summary>
public static class MarketErrors
{
    /// <summary>Arguments that must come one at a time came together, or none came (typedData's kinds, uploadContent's text/base64).</summary>
    public const string BadInput = "BAD_INPUT";

    /// <summary>A list that needs a filter got none (contributions without datanet or contributor).</summary>
    public const string MissingFilter = "BAD_ARGUMENTS";
}
