using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Content;

/// <summary>
/// Locality-sensitive hashing over the <see cref="MinHash"/> signatures of one datanet's contributions, to find the
/// near duplicates of a new one without comparing it to all of them. A signature is cut into 16 bands of 4 slots; two
/// contributions become candidates when any band is equal, which happens with probability 1 − (1 − s⁴)¹⁶ for
/// similarity s: above 0.999 at s = 0.8, 0.64 at s = 0.5 and 0.12 at s = 0.3. Candidates are then kept only if their estimated
/// similarity reaches the threshold.
/// <para>Not thread-safe: one owner (the datanet's grain, single-threaded by Orleans) adds and queries.</para>
/// </summary>
public sealed class NearDuplicateIndex
{
    public const int Bands = 16;
    public const int RowsPerBand = 4;

    private readonly Dictionary<Hash32, uint[]> _signatures = new();

    // One bucket table per band; a bucket is keyed by a hash of the band's slots. Two different bands that hash alike
    // only add a candidate, which the similarity check then drops.
    private readonly Dictionary<ulong, List<Hash32>>[] _buckets =
        Enumerable.Range(0, Bands).Select(_ => new Dictionary<ulong, List<Hash32>>()).ToArray();

    /// <summary>How many contributions are indexed.</summary>
    public int Count => _signatures.Count;

    /// <summary>Indexes <paramref name="signature"/> under <paramref name="id"/> (a content hash). Adding an id that is
    /// already indexed does nothing: an id names immutable content, so its signature cannot have changed.</summary>
    public void Add(Hash32 id, uint[] signature)
    {
        Validate(signature);
        if (!_signatures.TryAdd(id, (uint[])signature.Clone())) return;
        for (int band = 0; band < Bands; band++)
        {
            var key = BandKey(signature, band);
            if (!_buckets[band].TryGetValue(key, out var ids)) _buckets[band][key] = ids = new List<Hash32>(1);
            ids.Add(id);
        }
    }

    /// <summary>The indexed contributions whose estimated similarity to <paramref name="signature"/> is at least
    /// <paramref name="threshold"/>, most similar first (ties by id), without <paramref name="exclude"/> (pass the
    /// query's own id when it is indexed too).</summary>
    public IReadOnlyList<(Hash32 Id, double Similarity)> FindSimilar(uint[] signature, double threshold = 0.8, Hash32? exclude = null)
    {
        Validate(signature);
        var candidates = new HashSet<Hash32>();
        for (int band = 0; band < Bands; band++)
            if (_buckets[band].TryGetValue(BandKey(signature, band), out var ids)) candidates.UnionWith(ids);
        if (exclude is { } self) candidates.Remove(self);

        var found = new List<(Hash32 Id, double Similarity)>();
        foreach (var id in candidates)
        {
            var similarity = MinHash.Similarity(signature, _signatures[id]);
            if (similarity >= threshold) found.Add((id, similarity));
        }
        found.Sort((x, y) => y.Similarity != x.Similarity ? y.Similarity.CompareTo(x.Similarity) : x.Id.CompareTo(y.Id));
        return found;
    }

    private static void Validate(uint[] signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Length != Bands * RowsPerBand)
            throw new ArgumentException($"a signature has {Bands * RowsPerBand} slots, got {signature.Length}", nameof(signature));
    }

    private static ulong BandKey(uint[] signature, int band)
    {
        // FNV-1a over the band's slots: any fixed mixing would do, the key never leaves the process.
        var h = 0xCBF2_9CE4_8422_2325UL;
        for (int i = band * RowsPerBand; i < (band + 1) * RowsPerBand; i++) h = (h ^ signature[i]) * 0x0000_0100_0000_01B3UL;
        return h;
    }
}
