using System.Buffers.Binary;
using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Model;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.SafeTensors;
using TorchSharp;
using static OpenLedger.Tests.ML.TensorAssert;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML;

public class SafeTensorsTests
{
    public SafeTensorsTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Writes_the_reference_layout()
    {
        // What Hugging Face's safetensors writes for {"x": tensor([1.0, 2.0])}: a 56-byte header (54 bytes of JSON
        // padded with spaces to a multiple of 8), then the two floats little-endian.
        using var x = torch.tensor(new[] { 1f, 2f });
        var file = TorchSafeTensors.Serialize(new Dictionary<string, Tensor> { ["x"] = x });

        const string json = """{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        byte[] expected =
        [
            56, 0, 0, 0, 0, 0, 0, 0, .. Encoding.UTF8.GetBytes(json.PadRight(56)),
            0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40,
        ];
        Assert.Equal(expected, file);
    }

    [Fact]
    public void Tensors_of_every_dtype_and_the_metadata_round_trip()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = Normal(1, 3, 4),
            ["f64"] = Normal(2, 5).to(ScalarType.Float64),
            ["f16"] = Normal(3, 2, 2).to(ScalarType.Float16),
            ["bf16"] = Normal(4, 7).to(ScalarType.BFloat16),
            ["i64"] = torch.tensor(new[] { long.MinValue, -1L, 0L, long.MaxValue }),
            ["i32"] = torch.tensor(new[] { int.MinValue, 7 }),
            ["i16"] = torch.tensor(new short[] { -3, 300 }),
            ["i8"] = torch.tensor(new sbyte[] { -128, 127 }),
            ["u8"] = torch.tensor(new byte[] { 0, 255 }),
            ["bool"] = torch.tensor(new[] { true, false, true }),
            ["scalar"] = torch.tensor(3.5f),
            ["empty"] = torch.zeros(0, 3),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["datanet"] = "0xabc" };

        var (loaded, loadedMetadata) = TorchSafeTensors.Deserialize(TorchSafeTensors.Serialize(tensors, metadata));

        Assert.Equal(metadata.OrderBy(m => m.Key), loadedMetadata.OrderBy(m => m.Key));
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, tensor) in tensors)
        {
            Assert.Equal(tensor.dtype, loaded[name].dtype);
            Equal(tensor, loaded[name], name);
        }
    }

    [Fact]
    public void Output_is_canonical_so_the_keccak_hash_is_stable()
    {
        using var a = Normal(1, 4, 4);
        using var b = Normal(2, 8);
        var forward = TorchSafeTensors.Serialize(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b }, new Dictionary<string, string> { ["k1"] = "1", ["k2"] = "2" });
        var backward = TorchSafeTensors.Serialize(new Dictionary<string, Tensor> { ["b"] = b, ["a"] = a }, new Dictionary<string, string> { ["k2"] = "2", ["k1"] = "1" });
        Assert.Equal(forward, backward);
        Assert.Equal(Keccak256.Hash(forward), SafeTensorsFile.Hash(backward));

        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(forward);
        Assert.Equal(0, headerLength % 8);
        Assert.StartsWith("""{"__metadata__":{"k1":"1","k2":"2"},"a":""", Encoding.UTF8.GetString(forward, 8, headerLength));

        using var changed = b.clone();
        using var nudge = 1e-3f.ToScalar();
        changed[3] = changed[3].add(nudge, HeldScalars.One);
        var other = TorchSafeTensors.Serialize(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = changed }, new Dictionary<string, string> { ["k1"] = "1", ["k2"] = "2" });
        Assert.NotEqual(SafeTensorsFile.Hash(forward), SafeTensorsFile.Hash(other));
    }

    [Fact]
    public void A_model_saved_to_a_file_loads_back_with_the_same_outputs_and_hash()
    {
        var config = Gpt2Tests.Tiny with { Dropout = 0 };
        using var model = new Gpt2Model(config, seed: 5);
        model.eval();
        var path = Path.Combine(Path.GetTempPath(), $"openledger-gpt2-{Guid.NewGuid():N}.safetensors");
        try
        {
            // In Hugging Face's layout, as a real GPT-2 checkpoint would be.
            var hash = TorchSafeTensors.Save(path, Gpt2Checkpoint.ToHuggingFace(model), new Dictionary<string, string> { ["format"] = "pt" });
            Assert.Equal(Keccak256.Hash(File.ReadAllBytes(path)), hash);
            Assert.Equal(hash, SafeTensorsFile.Hash(TorchSafeTensors.Serialize(Gpt2Checkpoint.ToHuggingFace(model), new Dictionary<string, string> { ["format"] = "pt" })));

            using var restored = new Gpt2Model(config, seed: 6);
            restored.eval();
            var (tensors, metadata) = TorchSafeTensors.Load(path);
            Assert.Equal("pt", metadata["format"]);
            Gpt2Checkpoint.Load(restored, tensors);

            using var noGrad = torch.no_grad();
            using var tokens = Tokens(2, 7, config.VocabSize, seed: 1);
            Equal(model.call(tokens), restored.call(tokens));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_adapter_file_is_reproducible_from_its_seed()
    {
        var config = Gpt2Tests.Tiny with { Dropout = 0 };
        var lora = new LoraConfig(2, 4, LoraConfig.AllProjections);
        using var first = new Gpt2Model(config, seed: 1);
        using var second = new Gpt2Model(config, seed: 1);
        var one = TorchSafeTensors.Serialize(LoraAdapter.Apply(first, lora, seed: 8).State());
        var two = TorchSafeTensors.Serialize(LoraAdapter.Apply(second, lora, seed: 8).State());
        Assert.Equal(SafeTensorsFile.Hash(one), SafeTensorsFile.Hash(two));
        Assert.Contains("h.1.mlp.c_fc.lora_B", SafeTensorsFile.Parse(one).Tensors.Keys);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("header longer than file")]
    [InlineData("overlap")]
    [InlineData("gap")]
    [InlineData("wrong size")]
    [InlineData("unknown dtype")]
    [InlineData("trailing bytes")]
    [InlineData("not json")]
    public void Malformed_files_are_rejected(string defect)
    {
        byte[] file = defect switch
        {
            "truncated" => [1, 0, 0],
            "header longer than file" => [.. BitConverter.GetBytes(1000UL), .. "{}"u8],
            "overlap" => Build("""{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}""", 3),
            "gap" => Build("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2),
            "wrong size" => Build("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4),
            "unknown dtype" => Build("""{"a":{"dtype":"F8_E9","shape":[1],"data_offsets":[0,1]}}""", 1),
            "trailing bytes" => Build("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", 2),
            _ => Build("""{"a":""", 0),
        };
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(file));

        static byte[] Build(string header, int dataLength) =>
            [.. BitConverter.GetBytes((ulong)Encoding.UTF8.GetByteCount(header)), .. Encoding.UTF8.GetBytes(header), .. new byte[dataLength]];
    }
}
