using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.Storage;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>Model Factory state stored before the owner index existed still loads, through the grain storage's own
/// JSON serializer: the new members come back empty (the factory then fills its owner index once from the jobs).</summary>
public sealed class TrainingStateJsonTests
{
    private static readonly JsonGrainStorageSerializer Serializer = new();
    private static T Read<T>(string json) => Serializer.Deserialize<T>(new BinaryData(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_factory_state_from_before_the_owner_index_loads_with_it_empty_and_not_built()
    {
        var job = Keccak256.Hash("job");
        var state = Read<ModelFactoryState>($$$"""{"jobs":["{{{job}}}"],"unfinished":[],"owners":{},"usedAuthorizations":{}}""");
        Assert.Equal([job], state.Jobs);
        Assert.Empty(state.JobsByOwner);
        Assert.False(state.OwnerIndexBuilt);
    }
}
