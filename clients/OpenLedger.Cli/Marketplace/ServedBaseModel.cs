namespace OpenLedger.Cli.Marketplace;

/// <summary>The check <c>model register</c> and <c>infer</c> make before they sign: is the model's base one the node's
/// ML silos serve (<c>servedBaseModels</c>)? The chain accepts any base model name, so a model on a base nobody serves
/// registers fine and its paid inferences quietly expire; the CLI refuses that (BaseModelNotServed, exit 1) unless the
/// user says another node serves it (<c>--allow-unserved-base</c>, which warns), and warns when the node serves none.</summary>
public static class ServedBaseModel
{
    public const string OverrideFlag = "allow-unserved-base";

    /// <param name="consequence">What happens if it goes ahead, for the message.</param>
    public static async Task CheckAsync(MarketSession s, string baseModel, bool allowUnserved, string consequence)
    {
        IReadOnlyList<string> served;
        try
        {
            served = await s.Client.GetServedBaseModelsAsync();
        }
        // A node whose ML silo is still loading its base model may not answer in time: the check is advice, not a rule.
        catch (Client.GraphQLRequestException e)
        {
            s.Out.WriteLine($"warning: could not learn which base models this node serves ({e.Code}: {e.Detail}); not checking '{baseModel}'");
            return;
        }
        if (served.Contains(baseModel, StringComparer.Ordinal)) return;
        if (served.Count == 0)
        {
            s.Out.WriteLine($"warning: this node serves no base model (no ML silo, or none with a serving key), so not '{baseModel}': {consequence}, " +
                            "unless another node serves it");
            return;
        }
        var message = $"BaseModelNotServed: base model '{baseModel}' is not served by this node, which serves {string.Join(", ", served.Select(b => $"'{b}'"))}: {consequence}";
        if (!allowUnserved)
            throw new CommandFailedException($"{message}. Use a served base (`openledger model bases`), or give --{OverrideFlag} if another node serves it");
        s.Out.WriteLine($"warning: {message} (going ahead: --{OverrideFlag})");
    }
}
