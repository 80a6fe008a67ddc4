using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Market;

/// <summary>The counters every paid inference of a model updates, as their own small object beside the
/// <see cref="Model"/>: a request then re-encodes and re-hashes these few bytes instead of the model with all its
/// versions, so its cost does not grow with them. Created with the model; its id is <see cref="IdOf"/> its model.</summary>
public sealed record ModelUsage(Hash32 Id, Hash32 Model, Address Owner, long Inferences, long CreatedHeight) : IMarketObject
{
    public MarketObjectKind ObjectKind => MarketObjectKind.ModelUsage;
    public Hash32? Parent => Model;
    public Address Party => Owner;
    public int StatusCode => 0;

    /// <summary>keccak256("model-usage" || model): the usage object's id, known to anyone who knows the model (and no
    /// transaction's hash, which is an EIP-712 digest and starts with 0x19 0x01 before hashing).</summary>
    public static Hash32 IdOf(Hash32 model)
    {
        Span<byte> b = stackalloc byte[11 + 32];
        "model-usage"u8.CopyTo(b);
        model.CopyTo(b[11..]);
        return Keccak256.Hash(b);
    }

    public static ModelUsage For(Model m) => new(IdOf(m.Id), m.Id, m.Owner, 0, m.CreatedHeight);

    public byte[] Encode() => new ObjectWriter().Hash(Id).Hash(Model).Address(Owner).I64(Inferences).I64(CreatedHeight).ToArray();

    public static ModelUsage Decode(ReadOnlySpan<byte> data)
    {
        var r = new ObjectReader(data);
        var u = new ModelUsage(r.Hash(), r.Hash(), r.Address(), r.I64(), r.I64());
        r.End();
        return u;
    }
}
