namespace OpenLedger.ML.Grains.Attribution;

/// <summary>The worker's own stable failure codes, beside the attributor's (AttributionFailureCode): what goes wrong
/// before the attributor is asked, or after its result is published.</summary>
public static class AttributionWorkerFailureCode
{
    /// <summary>The inference's model, or its version, is not in chain state.</summary>
    public const string ModelMissing = "ModelMissing";

    /// <summary>The inference's input is not in the content store, or is not UTF-8 text.</summary>
    public const string InputMissing = "InputMissing";

    /// <summary>The served output is not in the content store, or is not UTF-8 text.</summary>
    public const string OutputMissing = "OutputMissing";

    /// <summary>Its result was published several times and the inference is still not settled on chain (the settlement
    /// grain's status says why its transactions were refused).</summary>
    public const string NotSettled = "NotSettled";
}
