using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.ML.Model;

/// <summary>The keys and values a <see cref="Gpt2Model"/> has computed for the sequences it is decoding, so that a
/// decoding step runs only the new token through the model (<see cref="Gpt2Model.Step"/>) instead of the whole
/// sequence. Per layer one tensor of keys and one of values [rows, heads, capacity, head_dim]: every row has room for
/// <see cref="Capacity"/> positions (at most the context), its first <see cref="Lengths"/>[r] filled. Rows join (<see cref="Append"/>, from a
/// <see cref="Gpt2Model.Prefill"/>) and leave (<see cref="Keep"/>) between steps: continuous batching.</summary>
/// <remarks>Each row's positions start at 0 (prompts are right-aligned to nothing: position ids are a row's own), and
/// what lies past a row's length (a shorter prompt's padding in a prefill, or zeros) is masked out of its attention
/// and overwritten by its next token. The tensors are held out of every dispose scope and freed by
/// <see cref="Dispose"/>.</remarks>
public sealed class KvCache : IDisposable
{
    private Tensor[] _keys;
    private Tensor[] _values;
    private long[] _lengths;

    /// <summary>An empty cache (no rows).</summary>
    public KvCache()
    {
        _keys = [];
        _values = [];
        _lengths = [];
    }

    internal KvCache(Tensor[] keys, Tensor[] values, long[] lengths)
    {
        _keys = keys;
        _values = values;
        _lengths = lengths;
        foreach (var tensor in keys.Concat(values)) tensor.DetachFromDisposeScope();
    }

    /// <summary>The number of sequences held.</summary>
    public int Rows => _lengths.Length;

    /// <summary>Positions each row has room for (0 when empty).</summary>
    public long Capacity => _keys.Length == 0 ? 0 : _keys[0].shape[2];

    /// <summary>Positions filled per row: the position the row's next token takes.</summary>
    public IReadOnlyList<long> Lengths => _lengths;

    internal Tensor Keys(int layer) => _keys[layer];

    internal Tensor Values(int layer) => _values[layer];

    /// <summary>Every row took one more position (a decoding step wrote it).</summary>
    internal void Advance()
    {
        for (var r = 0; r < _lengths.Length; r++) _lengths[r]++;
    }

    /// <summary>Moves the rows of <paramref name="joining"/> in after this cache's own (in that order), leaving it
    /// empty. The one with less room is widened to the other's (zeros past its positions).</summary>
    public void Append(KvCache joining)
    {
        if (joining.Rows == 0) return;
        if (Rows == 0)
        {
            (_keys, _values, _lengths) = (joining._keys, joining._values, joining._lengths);
        }
        else
        {
            if (joining._keys.Length != _keys.Length) throw new ArgumentException($"a cache of {joining._keys.Length} layers joins one of {_keys.Length}");
            var room = Math.Max(Capacity, joining.Capacity);
            Widen(ref _keys, room);
            Widen(ref _values, room);
            Widen(ref joining._keys, room);
            Widen(ref joining._values, room);
            _keys = Concatenate(_keys, joining._keys);
            _values = Concatenate(_values, joining._values);
            _lengths = [.. _lengths, .. joining._lengths];
        }
        (joining._keys, joining._values, joining._lengths) = ([], [], []);
    }

    /// <summary>Keeps only <paramref name="rows"/> (indices into the current rows, in the order given).</summary>
    public void Keep(IReadOnlyList<int> rows)
    {
        if (rows.Any(r => r < 0 || r >= Rows)) throw new ArgumentOutOfRangeException(nameof(rows), $"a row is outside [0, {Rows})");
        if (rows.Count == Rows && rows.Select((r, i) => r == i).All(same => same)) return;
        if (rows.Count == 0)
        {
            Dispose();
            return;
        }
        using var scope = torch.NewDisposeScope();
        var index = torch.tensor(rows.Select(r => (long)r).ToArray(), device: _keys[0].device);
        _keys = Select(_keys, index);
        _values = Select(_values, index);
        _lengths = rows.Select(r => _lengths[r]).ToArray();
    }

    public void Dispose()
    {
        foreach (var tensor in _keys.Concat(_values)) tensor.Dispose();
        (_keys, _values, _lengths) = ([], [], []);
    }

    private static Tensor[] Concatenate(Tensor[] first, Tensor[] second)
    {
        var joined = new Tensor[first.Length];
        for (var layer = 0; layer < first.Length; layer++)
        {
            joined[layer] = torch.cat([first[layer], second[layer]], 0).DetachFromDisposeScope();
            first[layer].Dispose();
            second[layer].Dispose();
        }
        return joined;
    }

    private static void Widen(ref Tensor[] tensors, long room)
    {
        if (tensors[0].shape[2] == room) return;
        var wide = new Tensor[tensors.Length];
        for (var layer = 0; layer < tensors.Length; layer++)
        {
            var narrow = tensors[layer];
            var shape = narrow.shape;
            wide[layer] = torch.zeros([shape[0], shape[1], room, shape[3]], dtype: narrow.dtype, device: narrow.device).DetachFromDisposeScope();
            wide[layer].narrow(2, 0, shape[2]).copy_(narrow);
            narrow.Dispose();
        }
        tensors = wide;
    }

    private static Tensor[] Select(Tensor[] tensors, Tensor index)
    {
        var kept = new Tensor[tensors.Length];
        for (var layer = 0; layer < tensors.Length; layer++)
        {
            kept[layer] = tensors[layer].index_select(0, index).DetachFromDisposeScope();
            tensors[layer].Dispose();
        }
        return kept;
    }
}
