using OpenLedger.Core.Crypto;

namespace OpenLedger.ML.Serving;

/// <summary>Greedy generation of <paramref name="MaxNewTokens"/> tokens after <paramref name="Prompt"/>, through the
/// base model plus the adapter whose artifact hashes to <paramref name="Adapter"/> (null: the base alone).</summary>
public sealed record GenerationRequest(Hash32? Adapter, IReadOnlyList<long> Prompt, int MaxNewTokens);

/// <summary>A completed request: the generated ids (prompt excluded) and where the time went.</summary>
/// <param name="Waited">From submission to the start of the batch that served it (including adapter loading).</param>
/// <param name="Ran">The batch's generation time, which every request of the batch shares.</param>
/// <param name="BatchSize">Requests in that batch.</param>
/// <param name="AdaptersInBatch">Distinct adapters in that batch.</param>
public sealed record GenerationResult(IReadOnlyList<long> Tokens, TimeSpan Waited, TimeSpan Ran, int BatchSize, int AdaptersInBatch);

/// <summary>How the engine forms batches.</summary>
public enum ServingMode
{
    /// <summary>OpenLoRA: up to the batch size of the oldest requests, whatever their adapters, in one multi-adapter
    /// forward.</summary>
    Heterogeneous,
    /// <summary>Reference: a batch holds only requests for the oldest request's adapter.</summary>
    OneAdapterPerBatch,
    /// <summary>Reference: one request at a time, its adapter merged into the base weights for its run.</summary>
    MergePerRequest,
}

/// <summary>How the engine decodes.</summary>
public enum ServingDecoder
{
    /// <summary>A KV cache per sequence and continuous batching: a prompt is prefilled once, then each step feeds one
    /// token per sequence; a sequence that has its tokens leaves the batch at once and a waiting request joins at the
    /// next step (in <see cref="ServingMode.MergePerRequest"/>, one request at a time, cached).</summary>
    ContinuousKvCache,
    /// <summary>Reference (the engine before the KV cache): every step recomputes the whole sequences, and a batch runs
    /// to completion before the next is formed. The same tokens, several times the work.</summary>
    Recompute,
}

/// <param name="MaxBatchSize">The most requests (rows) in one batch.</param>
/// <param name="Mode">How batches are formed.</param>
/// <param name="PadToken">The id written after a shorter sequence (never read: see <see cref="LoraServingEngine"/>).</param>
/// <param name="Decoder">How the tokens are computed; both decoders give the same greedy tokens.</param>
/// <param name="StopToken">An id that ends a sequence once generated (it is kept as its last token), such as the
/// end-of-text; null: every request gets its <see cref="GenerationRequest.MaxNewTokens"/>.</param>
public sealed record ServingOptions(int MaxBatchSize = 8, ServingMode Mode = ServingMode.Heterogeneous, long PadToken = 0,
    ServingDecoder Decoder = ServingDecoder.ContinuousKvCache, long? StopToken = null);
