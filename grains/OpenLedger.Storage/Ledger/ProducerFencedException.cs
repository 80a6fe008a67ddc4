namespace OpenLedger.Storage.Ledger;

/// <summary>A fenced block commit found that another producer activation has claimed a newer epoch since this one
/// claimed <see cref="Epoch"/>: this producer was superseded (e.g. its silo was paused and declared dead, and the
/// producer reactivated elsewhere). Nothing of the block was written. The producer must stop, not retry: only a
/// new activation, with a new claim and the committed state reloaded, may produce again.</summary>
public sealed class ProducerFencedException(long epoch, long? current, long height) : InvalidOperationException(
    $"{StableCode}: block {height} was not committed: this producer holds epoch {epoch} but the store's current producer epoch is " +
    $"{(current is { } c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unclaimed")}; another producer activation has taken over")
{
    /// <summary>The stable error code (logs and tests match on it, not on the message).</summary>
    public const string StableCode = "ProducerFenced";

    public string Code => StableCode;
    public long Epoch { get; } = epoch;
    public long? CurrentEpoch { get; } = current;
    public long Height { get; } = height;
}
