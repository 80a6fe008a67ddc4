using System.Text;
using GraphQL;
using GraphQL.Types;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Market;

/// <summary>Content in the node's content store, by hash.</summary>
public sealed class ContentType : ObjectGraphType<ContentView>
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public ContentType()
    {
        Name = "Content";
        Description = "Content in the node's content store.";
        Field<NonNullGraphType<HashGraphType>>("hash").Description("keccak256 of the bytes: what a Contribute transaction names as content.").Resolve(c => c.Source.Info.Hash);
        Field<NonNullGraphType<HashGraphType>>("normalizedHash").Description("keccak256 of the normalized text: a Contribute transaction's normalizedContent.").Resolve(c => c.Source.Info.NormalizedHash);
        Field<NonNullGraphType<LongGraphType>>("size").Description("Bytes: a Contribute transaction's size.").Resolve(c => c.Source.Info.Size);
        // Large values: each costs about its size in KiB (a contribution is at most 1 MiB on the default genesis), and
        // charges its real size to the request's response budget before the bytes are read, so asking for many of them
        // is refused by the cost analyzer, or stops at the response size limit, instead of filling memory.
        Field<StringGraphType>("text").Description("The content as text if it is valid UTF-8; else null (use base64).")
            .Cost(TextCost)
            .ResolveAsync(async c =>
            {
                c.ChargeResponseBytes(c.Source.Info.Size);
                return await c.Source.BytesAsync() is { } b ? TryUtf8(b) : null;
            });
        Field<StringGraphType>("base64").Description("The content's bytes, base64.")
            .Cost(TextCost * 4 / 3)
            .ResolveAsync(async c =>
            {
                c.ChargeResponseBytes((c.Source.Info.Size + 2) / 3 * 4);
                return await c.Source.BytesAsync() is { } b ? Convert.ToBase64String(b) : null;
            });
    }

    /// <summary>What the cost analyzer charges for <c>text</c>: about 1 per KiB of the largest contribution (1 MiB).</summary>
    public const double TextCost = 1_024;

    public static async Task<ContentView?> LoadAsync(IResolveFieldContext ctx, Hash32 hash)
    {
        var grain = ctx.Grains().GetGrain<IContentGrain>(0);
        var info = await grain.GetInfoAsync(hash);
        return info is null ? null : new ContentView(info, () => grain.GetAsync(hash));
    }

    /// <summary>The stored content with this hash as text (its size charged to the response budget); null when the
    /// store does not hold it or it is not valid UTF-8.</summary>
    public static async Task<string?> TextAsync(IResolveFieldContext ctx, Hash32 hash)
    {
        var bytes = await ctx.Grains().GetGrain<IContentGrain>(0).GetAsync(hash);
        if (bytes is null) return null;
        ctx.ChargeResponseBytes(bytes.Length);
        return TryUtf8(bytes);
    }

    private static string? TryUtf8(byte[] bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { return null; }
    }
}
