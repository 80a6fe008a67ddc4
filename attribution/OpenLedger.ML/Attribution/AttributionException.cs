namespace OpenLedger.ML.Attribution;

/// <summary>Bad input to the attribution engine (an empty or corrupt index, a query of the wrong size, a bad cap),
/// with a stable <see cref="Code"/> a caller can log, store and match on.</summary>
public sealed class AttributionException(string code, string message) : Exception($"{code}: {message}")
{
    /// <summary>The index holds no training example.</summary>
    public const string EmptyIndex = "EmptyIndex";

    /// <summary>Two things that must have one size do not (a query and the index rows, rows and their ids).</summary>
    public const string DimensionMismatch = "DimensionMismatch";

    /// <summary>Index bytes that do not parse: wrong magic, unknown version, truncated, inconsistent sizes.</summary>
    public const string CorruptIndex = "CorruptIndex";

    /// <summary>A training or query row the model cannot score (too short, too long, no target).</summary>
    public const string BadRow = "BadRow";

    /// <summary>maxAttributions below 1.</summary>
    public const string BadMaxAttributions = "BadMaxAttributions";

    /// <summary>A NaN or infinite score or gradient: nothing can be paid on it.</summary>
    public const string NonFiniteScore = "NonFiniteScore";

    /// <summary>The index was built for another adapter shape than the one it is queried with.</summary>
    public const string AdapterMismatch = "AdapterMismatch";

    public string Code { get; } = code;
}
