using System.Text;
using OpenLedger.Core.Content;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Benchmarks.Marketplace;

/// <summary>Contribution texts: paragraphs of field-guide prose (1-2 KiB each) built from sentence templates and a
/// few hundred English words, deterministic per index. No two are the same after normalization (checked), so no
/// contribution fails as a duplicate. Nothing is downloaded: the machines have no corpus to fetch.</summary>
public static class TextCorpus
{
    private static readonly string[] Animals =
    [
        "heron", "otter", "badger", "kestrel", "salamander", "hedgehog", "lynx", "marten", "plover", "wren", "beaver", "stoat",
        "dormouse", "curlew", "newt", "osprey", "vole", "lapwing", "pine marten", "red kite", "grass snake", "toad", "nightjar",
        "kingfisher", "water shrew", "roe deer", "hare", "polecat", "swift", "dipper", "bittern", "adder", "slow worm", "crossbill",
    ];
    private static readonly string[] Plants =
    [
        "sedge", "bracken", "heather", "alder", "willow", "hawthorn", "bluebell", "foxglove", "sphagnum moss", "reed", "birch",
        "rowan", "gorse", "bramble", "sorrel", "yarrow", "meadowsweet", "oak", "hazel", "juniper", "cotton grass", "bog myrtle",
        "water mint", "marsh marigold", "lichen", "ivy", "holly", "scots pine", "ragged robin", "wood anemone",
    ];
    private static readonly string[] Places =
    [
        "the upland bog", "the river margin", "the chalk grassland", "the estuary mudflats", "the beech hanger", "the old quarry",
        "the coastal heath", "the wet meadow", "the conifer plantation", "the hedgerow", "the shingle bank", "the alder carr",
        "the limestone pavement", "the village pond", "the saltmarsh", "the sand dunes", "the ancient woodland", "the drainage ditch",
    ];
    private static readonly string[] Seasons =
    [
        "early spring", "late spring", "midsummer", "the first frosts", "late autumn", "the wet weeks of winter", "the breeding season",
        "a dry August", "the spring thaw", "the autumn migration", "a mild December", "the long evenings of June",
    ];
    private static readonly string[] Verbs =
    [
        "forages among", "nests beside", "shelters under", "feeds on the seeds of", "hunts along", "rests in", "breeds close to",
        "overwinters beneath", "depends on", "competes with insects for", "spreads through", "flowers beside", "colonises",
    ];
    private static readonly string[] Adjectives =
    [
        "secretive", "common", "declining", "scarce", "widespread", "resilient", "conspicuous", "nocturnal", "shy", "abundant",
        "localised", "vulnerable", "migratory", "territorial", "solitary", "gregarious", "elusive", "hardy",
    ];
    private static readonly string[] Observers =
    [
        "Survey volunteers", "The county recorder", "Local naturalists", "A long-term monitoring scheme", "Ringers at the reserve",
        "Students from the field station", "The warden", "Night-time transect walkers", "Camera traps",
    ];
    private static readonly string[] Findings =
    [
        "recorded a steady rise in numbers", "noted fewer sightings than in previous years", "found the first breeding pair in a decade",
        "counted individuals at dawn and dusk", "mapped every territory along the transect", "reported unusual behaviour after heavy rain",
        "observed feeding at unexpected hours", "photographed juveniles near the water", "found signs of recent activity",
    ];
    private static readonly string[] Advice =
    [
        "Grazing should be kept light so that", "Cutting the margins late in the year means", "Leaving dead wood in place ensures",
        "Raising the water table in winter helps", "Keeping dogs on leads during nesting means", "Restoring the old hedgerows ensures",
        "Removing invasive rhododendron means", "Creating shallow scrapes ensures",
    ];
    private static readonly string[] Outcomes =
    [
        "the young have cover when they leave the nest", "insects remain plentiful through the summer", "seed heads survive into winter",
        "the ground stays soft enough to probe for worms", "disturbance is kept to a minimum", "corridors link the isolated colonies",
        "light reaches the woodland floor again", "amphibians find breeding pools each spring",
    ];

    /// <summary>Text number <paramref name="index"/> of the corpus named by <paramref name="seed"/>, as UTF-8.</summary>
    public static byte[] Generate(int seed, int index)
    {
        var rng = new Random(unchecked(seed * 1_000_003 + index * 7_919 + 17)); // deterministic (HashCode is seeded per process)
        var target = 1024 + rng.Next(1024 - 160); // 1-2 KiB once the last sentence is added
        var sb = new StringBuilder(2048);
        var subject = Pick(rng, Animals);
        sb.Append("Field notes on the ").Append(subject).Append(" (record ").Append(index).Append("). ");
        while (sb.Length < target)
        {
            switch (rng.Next(6))
            {
                case 0:
                    sb.Append("The ").Append(Pick(rng, Adjectives)).Append(' ').Append(subject).Append(' ').Append(Pick(rng, Verbs)).Append(" the ")
                      .Append(Pick(rng, Plants)).Append(" of ").Append(Pick(rng, Places)).Append(" during ").Append(Pick(rng, Seasons)).Append(". ");
                    break;
                case 1:
                    sb.Append(Pick(rng, Observers)).Append(' ').Append(Pick(rng, Findings)).Append(" at ").Append(Pick(rng, Places))
                      .Append(", where ").Append(rng.Next(2, 60)).Append(' ').Append(Pick(rng, Animals)).Append(" sightings were logged in ")
                      .Append(Pick(rng, Seasons)).Append(". ");
                    break;
                case 2:
                    sb.Append(Pick(rng, Advice)).Append(' ').Append(Pick(rng, Outcomes)).Append(". ");
                    break;
                case 3:
                    sb.Append("Unlike the ").Append(Pick(rng, Animals)).Append(", the ").Append(subject).Append(" rarely ")
                      .Append(Pick(rng, Verbs)).Append(' ').Append(Pick(rng, Plants)).Append(", preferring ").Append(Pick(rng, Places)).Append(". ");
                    break;
                case 4:
                    sb.Append("In ").Append(Pick(rng, Seasons)).Append(" the ").Append(Pick(rng, Plants)).Append(" around ").Append(Pick(rng, Places))
                      .Append(" is ").Append(Pick(rng, Adjectives)).Append(", and the ").Append(subject).Append(" is then easiest to find.\n");
                    break;
                default:
                    sb.Append("A ").Append(Pick(rng, Adjectives)).Append(' ').Append(Pick(rng, Animals)).Append(" was seen ").Append(rng.Next(1, 40))
                      .Append(" metres from the ").Append(Pick(rng, Plants)).Append(" on day ").Append(rng.Next(1, 366)).Append(" of the survey. ");
                    break;
            }
        }
        return Encoding.UTF8.GetBytes(sb.ToString().TrimEnd());
    }

    /// <summary><paramref name="count"/> texts from <paramref name="first"/>, with their digests; throws if two
    /// normalize to the same text (the generator would be broken).</summary>
    public static (byte[][] Texts, ContentDigest[] Digests) Build(int seed, int first, int count, HashSet<Hash32> seen)
    {
        var texts = new byte[count][];
        var digests = new ContentDigest[count];
        Parallel.For(0, count, i =>
        {
            texts[i] = Generate(seed, first + i);
            digests[i] = ContentHashes.Compute(texts[i]);
        });
        lock (seen)
            foreach (var d in digests)
                if (!seen.Add(d.NormalizedHash)) throw new InvalidOperationException("the text generator produced a duplicate");
        return (texts, digests);
    }

    private static string Pick(Random rng, string[] words) => words[rng.Next(words.Length)];
}
