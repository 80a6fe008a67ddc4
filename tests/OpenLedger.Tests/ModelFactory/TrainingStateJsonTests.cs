using System.Text;
using OpenLedger.Core.Crypto;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.Storage;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>Model Factory state stored before the owner index and the loss history existed still loads, through the
/// grain storage's own JSON serializer: the new members come back empty (the factory then fills its owner index once
/// from the jobs), and the new state round-trips.</summary>
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

    [Fact]
    public void A_job_state_from_before_the_loss_history_loads_with_it_empty_and_the_new_state_round_trips()
    {
        var old = Read<TrainingJobState>("""{"view":null}""");
        Assert.Empty(old.History);
        Assert.Equal(1, old.HistoryStride);

        var owner = new Address(Keccak256.Hash("owner").AsSpan()[12..]);
        var state = new ModelFactoryState { JobsByOwner = { [owner.ToString()] = [Keccak256.Hash("a"), Keccak256.Hash("b")] }, OwnerIndexBuilt = true };
        var back = Serializer.Deserialize<ModelFactoryState>(Serializer.Serialize(state));
        Assert.Equal(state.JobsByOwner[owner.ToString()], back.JobsByOwner[owner.ToString()]);
        Assert.True(back.OwnerIndexBuilt);

        var job = new TrainingJobState { History = [new(0, null, 3.5), new(1, 2.25, null), new(2, 2.0, 3.0)], HistoryStride = 2 };
        var again = Serializer.Deserialize<TrainingJobState>(Serializer.Serialize(job));
        Assert.Equal(job.History, again.History);
        Assert.Equal(2, again.HistoryStride);
    }
}
