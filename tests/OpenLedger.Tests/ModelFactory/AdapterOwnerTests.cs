using System.Buffers.Binary;
using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.ModelFactory;
using OpenLedger.ML.Lora;
using OpenLedger.ML.Runtime;
using OpenLedger.ML.SafeTensors;
using OpenLedger.ML.Serving;
using OpenLedger.Tests.ML;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>The adapter header reader admission runs on uploaded bytes: an owned adapter's metadata names its owner,
/// an ownerless one (byte for byte as before owners) names none, and anything malformed (short, a header length past
/// the file or the cap, bad JSON, no or odd metadata) names nobody instead of throwing. Serving loads the owned one.</summary>
public sealed class AdapterOwnerTests
{
    static AdapterOwnerTests() => TorchRuntime.EnsureLoaded();

    private static readonly Address Owner = PrivateKey.Generate().Address;

    private static byte[] File(ulong length, string header)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, length);
        json.CopyTo(file, 8);
        return file;
    }

    private static byte[] File(string header) => File((ulong)Encoding.UTF8.GetByteCount(header), header);

    [Fact]
    public void An_owned_adapter_names_its_owner_and_serving_loads_it_as_before()
    {
        using var adapter = new ServingTestAdapter(new LoraConfig(4, 8, ["attn.c_attn"]), seed: 3);
        var owned = ServedAdapter.Serialize(adapter.Adapter, Owner.ToString());
        Assert.Equal(Owner, AdapterOwner.Read(owned));
        Assert.Equal(Owner.ToString(), SafeTensorsFile.Parse(owned).Metadata[ServedAdapter.OwnerKey]);
        // Without an owner the bytes are exactly the old artifact: existing adapter hashes stay valid.
        Assert.Equal(adapter.Bytes, ServedAdapter.Serialize(adapter.Adapter, owner: null));
        Assert.Null(AdapterOwner.Read(adapter.Bytes));

        using var served = ServedAdapter.Parse(SafeTensorsFile.Hash(owned), owned);
        using var plain = ServedAdapter.Parse(adapter.Id, adapter.Bytes);
        Assert.Equal((plain.Alpha, plain.RawBytes, plain.Layers.Count), (served.Alpha, served.RawBytes, served.Layers.Count));
        Assert.NotEqual(adapter.Id, served.Id);
    }

    [Fact]
    public void Malformed_headers_name_no_owner_and_never_throw()
    {
        var owner = Owner.ToString();
        var cases = new List<(string Why, byte[] File)>
        {
            ("empty", []),
            ("shorter than the length", [1, 2, 3]),
            ("length only, seven bytes", new byte[7]),
            ("huge length", File(ulong.MaxValue, $"{{\"__metadata__\":{{\"owner\":\"{owner}\"}}}}")),
            ("length past the file", File(1_000, $"{{\"__metadata__\":{{\"owner\":\"{owner}\"}}}}")),
            ("length past the cap", File((ulong)AdapterOwner.MaxHeaderLength + 1, $"{{\"__metadata__\":{{\"owner\":\"{owner}\"}}}}")),
            ("zero length", File(0, "")),
            ("bad JSON", File($"{{\"__metadata__\":{{\"owner\":\"{owner}\"")),
            ("not JSON", File("safetensors?")),
            ("not an object", File($"[\"{owner}\"]")),
            ("deeply nested", File(new string('[', 10_000) + new string(']', 10_000))),
            ("no metadata", File("{\"x.lora_A\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}")),
            ("metadata not an object", File($"{{\"__metadata__\":\"{owner}\"}}")),
            ("metadata without owner", File("{\"__metadata__\":{\"lora_alpha\":\"8\"}}")),
            ("owner not a string", File("{\"__metadata__\":{\"owner\":12}}")),
            ("owner not an address", File("{\"__metadata__\":{\"owner\":\"0x1234\"}}")),
            ("owner at the top level", File($"{{\"owner\":\"{owner}\"}}")),
        };
        foreach (var (why, file) in cases) Assert.True(AdapterOwner.Read(file) is null, why);

        // A well-formed header names it, padded with spaces as the writer pads, however long the data after it.
        var header = $"{{\"__metadata__\":{{\"owner\":\"{owner}\"}}}}    ";
        Assert.Equal(Owner, AdapterOwner.Read([.. File(header), .. new byte[64]]));
    }
}
