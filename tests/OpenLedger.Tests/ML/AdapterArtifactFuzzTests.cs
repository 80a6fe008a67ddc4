using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.Serving;

namespace OpenLedger.Tests.ML;

/// <summary>An adapter artifact comes from the content store by a hash anyone can register: whatever bytes it holds,
/// OpenLoRA must refuse them with <see cref="InvalidDataException"/> (the InvalidAdapter code) and nothing else, or
/// read them as an adapter whose tensors match the header.</summary>
public class AdapterArtifactFuzzTests
{
    public AdapterArtifactFuzzTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Random_and_mutated_artifacts_are_read_or_refused_with_InvalidDataException_only()
    {
        using var adapter = new ServingTestAdapter(new LoraConfig(2, 4, ["attn.c_attn", "mlp.c_proj"]), seed: 3);
        var valid = adapter.Bytes;
        var random = new Random(20261128);
        int parsed = 0, refused = 0;
        for (var i = 0; i < 1500; i++)
        {
            byte[] file;
            switch (i % 4)
            {
                case 0: // random bytes, sometimes with a plausible header length in front
                    file = new byte[random.Next(0, 200)];
                    random.NextBytes(file);
                    if (file.Length >= 8 && random.Next(2) == 0) BitConverter.GetBytes((ulong)random.Next(0, file.Length)).CopyTo(file, 0);
                    break;
                case 1: // a few bytes of a valid artifact flipped (header or data)
                    file = (byte[])valid.Clone();
                    for (var k = random.Next(1, 4); k > 0; k--) file[random.Next(Math.Min(file.Length, random.Next(2) == 0 ? 600 : file.Length))] ^= (byte)random.Next(1, 256);
                    break;
                case 2: // a valid artifact cut short or extended
                    file = random.Next(2) == 0 ? valid[..random.Next(valid.Length)] : [.. valid, .. new byte[random.Next(1, 16)]];
                    break;
                default: // the header's JSON edited: names, dtypes, shapes and offsets swapped for others
                    var headerLength = (int)BitConverter.ToUInt64(valid, 0);
                    var header = Encoding.UTF8.GetString(valid, 8, headerLength);
                    string[] from = ["lora_A", "lora_B", "F32", "[2,", "data_offsets\":[0", "lora_alpha"];
                    string[] to = ["lora_C", "lora_A", "F16", "[3,", "data_offsets\":[4", "alpha"];
                    var j = random.Next(from.Length);
                    var edited = Encoding.UTF8.GetBytes(header.Replace(from[j], to[random.Next(to.Length)]));
                    file = [.. BitConverter.GetBytes((ulong)edited.Length), .. edited, .. valid[(8 + headerLength)..]];
                    break;
            }
            try
            {
                using var read = ServedAdapter.Parse(Keccak256.Hash(file), file);
                Assert.All(read.Layers.Values, w => Assert.Equal(w.A.shape[0], w.B.shape[1]));
                parsed++;
            }
            catch (InvalidDataException)
            {
                refused++;
            }
        }
        Assert.True(refused > 1000, $"{refused} refused, {parsed} read");
    }
}
