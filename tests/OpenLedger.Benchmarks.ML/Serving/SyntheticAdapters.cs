using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Serving;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.Benchmarks.ML.Serving;

/// <summary>Adapters "as if trained" without training thousands of them: installed on the real base model like a
/// fine-tuning job would (<see cref="LoraAdapter.Apply"/>, so names, shapes and A's init are the real ones), B drawn
/// non-zero from a seeded generator (a fresh adapter's B is zero, which would make every adapter the base), then
/// published the way a job publishes (<see cref="ServedAdapter.Serialize"/>). Throughput does not depend on the
/// values, only on shapes; the seeds make every run store the same bytes, hence the same hashes.</summary>
public static class SyntheticAdapters
{
    /// <summary>The artifact of adapter <paramref name="index"/>. <paramref name="model"/> must be a plain base model;
    /// it is left as it was.</summary>
    public static byte[] Create(Gpt2Model model, int index, int seed)
    {
        var config = new LoraConfig(ServingBenchmarkOptions.Rank, ServingBenchmarkOptions.Alpha, LoraConfig.AllProjections);
        var adapterSeed = (long)seed * 1_000_003 + index;
        var adapter = LoraAdapter.Apply(model, config, adapterSeed);
        try
        {
            using var generator = new Generator(unchecked((ulong)adapterSeed) + 0x5EED, torch.CPU);
            using (torch.no_grad())
                foreach (var (_, layer) in adapter.Layers) layer.B.normal_(0, 0.02, generator);
            return ServedAdapter.Serialize(adapter);
        }
        finally
        {
            adapter.Remove(model);
            // The adapter's own A and B are native memory the GC does not see: free them now, not at finalization,
            // so the memory measurement after this starts from a clean process.
            foreach (var parameter in adapter.Parameters()) parameter.Dispose();
        }
    }
}
