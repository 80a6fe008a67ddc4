namespace OpenLedger.ML.Serving;

/// <summary>One sequence being decoded: its prompt, its adapter (null: the base alone), how many tokens it may
/// generate and those it has; <typeparamref name="TOwner"/> is whatever the caller completes with them.</summary>
internal sealed class DecodingRow<TOwner>(TOwner owner, IReadOnlyList<long> prompt, int maxNewTokens, ServedAdapter? adapter)
{
    public TOwner Owner { get; } = owner;
    public IReadOnlyList<long> Prompt { get; } = prompt;
    public int MaxNewTokens { get; } = maxNewTokens;
    public ServedAdapter? Adapter { get; } = adapter;
    public List<long> Generated { get; } = [];
}
