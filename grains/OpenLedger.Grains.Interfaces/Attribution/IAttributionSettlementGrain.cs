namespace OpenLedger.Grains.Attribution;

/// <summary>The settlement side of attribution (key: the attribution operator's lower-case address, which is also the
/// key of the "attribution" stream it consumes): batches attribution results into SettleAttribution transactions
/// signed by that operator's key, with consecutive nonces.</summary>
public interface IAttributionSettlementGrain : IGrainWithStringKey
{
    Task<AttributionSettlementStatus> GetStatusAsync();
}
