using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;

namespace OpenLedger.ML.Serving;

/// <summary>OpenLoRA refuses an adapter, and goes on refusing it (it is quarantined): its artifact is not a LoRA adapter
/// for the served base model, or a forward pass with it failed while the base model alone did not. The stable code at
/// the boundaries is <see cref="Code"/>, the one every artifact refusal has always had.</summary>
public sealed class InvalidAdapterException(Hash32 id, string reason) : Exception($"adapter {id} is quarantined: {reason}")
{
    public const string Code = nameof(MlErrorCode.InvalidAdapter);

    public Hash32 Id { get; } = id;

    /// <summary>Why, naming the layer and the mismatch when there is one.</summary>
    public string Reason { get; } = reason;
}
