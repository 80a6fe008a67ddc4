using System.Runtime.CompilerServices;
using OpenLedger.Grains.Ledger;

namespace OpenLedger.GraphQL.Ledger;

/// <summary>
/// Grain references the explorer's reads ask for on every request, kept per grain factory. Orleans resolves the
/// interface's type name on every <c>GetGrain</c> call (it formats and parses the name: ~1 us and ~0.5 KiB each), and a
/// page of blocks asks for twenty of them. A reference is an immutable address, valid for as long as its factory, so
/// the chain's and the most recent heights' are kept (one slot per height modulo <see cref="BlockSlots"/>).
/// </summary>
internal sealed class GrainReferences
{
    public const int BlockSlots = 4096;

    private static readonly ConditionalWeakTable<IGrainFactory, GrainReferences> ByFactory = [];

    private readonly IGrainFactory _grains;
    private readonly BlockSlot?[] _blocks = new BlockSlot?[BlockSlots];

    private GrainReferences(IGrainFactory grains)
    {
        _grains = grains;
        Chain = grains.GetGrain<IChainGrain>(0);
    }

    private sealed record BlockSlot(long Height, IBlockGrain Grain);

    public static GrainReferences Of(IGrainFactory grains) => ByFactory.GetValue(grains, g => new GrainReferences(g));

    /// <summary>The chain grain (key 0).</summary>
    public IChainGrain Chain { get; }

    /// <summary>The block grain of <paramref name="height"/>.</summary>
    public IBlockGrain Block(long height)
    {
        ref var slot = ref _blocks[height & (BlockSlots - 1)];
        if (Volatile.Read(ref slot) is { } kept && kept.Height == height) return kept.Grain;
        var grain = _grains.GetGrain<IBlockGrain>(height);
        Volatile.Write(ref slot, new BlockSlot(height, grain));
        return grain;
    }
}
