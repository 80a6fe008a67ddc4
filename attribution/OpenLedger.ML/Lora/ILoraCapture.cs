using static TorchSharp.torch;

namespace OpenLedger.ML.Lora;

/// <summary>What a <see cref="LoraLinear"/> shows a capture while it is attached (attribution's per-example gradients):
/// the adapter's input x [.., in] (after dropout), the rank-space activation h = x·Aᵀ [.., rank] and the layer's output
/// y [.., out]. The returned tensor replaces y, so a capture can add a zero probe whose gradient is ∂loss/∂y.</summary>
public interface ILoraCapture
{
    /// <summary>Called inside the layer's forward (and its dispose scope): whatever the capture keeps must be detached
    /// from that scope.</summary>
    Tensor Record(Tensor input, Tensor hidden, Tensor output);
}
