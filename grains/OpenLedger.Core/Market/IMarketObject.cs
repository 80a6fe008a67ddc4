using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Market;

/// <summary>The kinds of marketplace object in the state. The number prefixes an object's commitment and is stored.</summary>
public enum MarketObjectKind : byte
{
    Datanet = 1,
    Contribution = 2,
    DatanetVersion = 3,
    Model = 4,
    Inference = 5,
    ModelUsage = 6,
}

/// <summary>A marketplace object in the ledger state. Immutable: a change replaces the object (a record "with").
/// Besides its canonical bytes it names the columns the store indexes it by, for queries.</summary>
public interface IMarketObject
{
    Hash32 Id { get; }
    MarketObjectKind ObjectKind { get; }

    /// <summary>The object it belongs to: the datanet of a contribution or version, the model of an inference; else null.</summary>
    Hash32? Parent { get; }

    /// <summary>The account it belongs to: owner, contributor, publisher or caller.</summary>
    Address Party { get; }

    /// <summary>The kind's status as a number (contribution, model or inference status; 0 where there is none).</summary>
    int StatusCode { get; }

    long CreatedHeight { get; }

    byte[] Encode();
}

public static class MarketObjects
{
    /// <summary>The object's item in the marketplace state tree: keccak256(kind || canonical bytes).</summary>
    public static Hash32 Commitment(this IMarketObject o) => Commitment(o.ObjectKind, o.Encode());

    /// <summary>keccak256(kind || <paramref name="body"/>), for a caller that already has the canonical bytes.</summary>
    public static Hash32 Commitment(MarketObjectKind kind, byte[] body)
    {
        var b = new byte[1 + body.Length];
        b[0] = (byte)kind;
        body.CopyTo(b, 1);
        return Keccak256.Hash(b);
    }

    public static IMarketObject Decode(MarketObjectKind kind, ReadOnlySpan<byte> data) => kind switch
    {
        MarketObjectKind.Datanet => Datanet.Decode(data),
        MarketObjectKind.Contribution => Contribution.Decode(data),
        MarketObjectKind.DatanetVersion => DatanetVersion.Decode(data),
        MarketObjectKind.Model => Model.Decode(data),
        MarketObjectKind.Inference => InferenceRequest.Decode(data),
        MarketObjectKind.ModelUsage => ModelUsage.Decode(data),
        _ => throw new FormatException($"unknown marketplace object kind {(byte)kind}"),
    };
}
