using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.ModelFactory;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.Storage;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>The recipe options (schedule, label smoothing, early stopping, label scoring) in Model Factory's request:
/// a request without them names its job, reads in the signed message and loads from storage exactly as before they
/// existed; given, they reach the run's spec, the signed text (client and node alike) and the job id; given as their
/// defaults, they are the same training as leaving them out.</summary>
public sealed class TrainingRecipeRequestTests
{
    private static readonly Hash32 Datanet = Keccak256.Hash("recipe datanet");
    private static readonly Hash32 Version = Keccak256.Hash("recipe version");
    private const string BaseModel = "builtin:0x00";
    private static readonly PrivateKey Key = PrivateKey.Derive("training-recipe", "owner");
    private const ulong Chain = 1337;

    private static TrainingJobRequest Old => new(Datanet, 0, Steps: 20, BatchSize: 4, Seed: 13);
    private static TrainingJobRequest WithRecipe => Old with { Schedule = "linear", LabelSmoothing = 0.1, EarlyStopping = 3, LabelScoring = "mean" };

    [Fact]
    public void An_old_shape_requests_job_id_is_the_hash_of_the_same_text_as_before_the_recipe_options()
    {
        // The id's preimage as every node before the options wrote it: the spec's JSON has no member for them.
        var preimage = $"openledger-training-job/1\n{Version}\n{BaseModel}\n" +
                       """{"rank":8,"alpha":16,"targetModules":["attn.c_attn","attn.c_proj","mlp.c_fc","mlp.c_proj"],"learningRate":0.003,"epochs":1,"steps":20,"batchSize":4,"seed":13}""";
        var id = TrainingJobIds.JobId(Version, BaseModel, TrainingJobIds.Spec(Old));
        Assert.Equal(Keccak256.Hash(Encoding.UTF8.GetBytes(preimage)), id);
        // Pinned: keccak256 of that text by an independent implementation (@noble/hashes in node).
        Assert.Equal("0xa4ad9d0db2fe2f442b1f7c6ca110d749b53a8766160f1255ca1214e2ada45728", id.ToString());
        var owner = Key.Address;
        Assert.Equal(Keccak256.Hash(Encoding.UTF8.GetBytes($"openledger-training-job/2\n{owner}\n" + preimage[("openledger-training-job/1\n".Length)..])),
            TrainingJobIds.JobId(Version, BaseModel, TrainingJobIds.Spec(Old), owner));
    }

    [Fact]
    public void Recipe_options_reach_the_spec_and_name_another_job_while_their_defaults_name_the_same_one()
    {
        var spec = TrainingJobIds.Spec(WithRecipe);
        Assert.Equal(((string?)"linear", (double?)0.1, (int?)3, (string?)"mean"), (spec.Schedule, spec.LabelSmoothing, spec.EarlyStopping, spec.LabelScoring));
        Assert.Null(spec.Problem());
        var json = JsonSerializer.Serialize(spec);
        Assert.Contains("\"schedule\":\"linear\"", json);
        Assert.Contains("\"earlyStopping\":3", json);
        var oldId = TrainingJobIds.JobId(Version, BaseModel, TrainingJobIds.Spec(Old));
        Assert.NotEqual(oldId, TrainingJobIds.JobId(Version, BaseModel, spec));
        Assert.NotEqual(oldId, TrainingJobIds.JobId(Version, BaseModel, TrainingJobIds.Spec(Old with { EarlyStopping = 1 })));

        // Asked for as their defaults, they are the training without them: one job, one record.
        var defaults = Old with { Schedule = "cosine", LabelSmoothing = 0, LabelScoring = "sum" };
        Assert.Equal(TrainingJobIds.Spec(Old), TrainingJobIds.Spec(defaults));
        Assert.Equal(oldId, TrainingJobIds.JobId(Version, BaseModel, TrainingJobIds.Spec(defaults)));

        // Bad values are the spec's problem (InvalidField at the factory), each named.
        Assert.Contains("schedule", TrainingJobIds.Spec(Old with { Schedule = "warm" }).Problem());
        Assert.Contains("labelSmoothing", TrainingJobIds.Spec(Old with { LabelSmoothing = 0.5 }).Problem());
        Assert.Contains("earlyStopping", TrainingJobIds.Spec(Old with { EarlyStopping = 0 }).Problem());
        Assert.Contains("labelScoring", TrainingJobIds.Spec(Old with { LabelScoring = "max" }).Problem());
    }

    [Fact]
    public void The_signed_text_carries_the_options_only_when_set_and_a_signature_binds_them()
    {
        const ulong deadline = 1_800_000_600;
        var old = Old.Authorization(Key.Address, deadline);
        Assert.Equal("rank=8 alpha=16 targets=default lr=0.003 epochs=1 steps=20 batch=4 seed=13", old.Hyperparameters);
        var recipe = WithRecipe.Authorization(Key.Address, deadline);
        Assert.Equal(old.Hyperparameters + " schedule=linear label-smoothing=0.1 early-stopping=3 label-scoring=mean", recipe.Hyperparameters);
        Assert.Equal(old.Hyperparameters + " early-stopping=2", (Old with { EarlyStopping = 2 }).Authorization(Key.Address, deadline).Hyperparameters);

        // The client library signs the same text as the node checks, with or without the options.
        var client = new TrainingRequest(Datanet, 0, Steps: 20, BatchSize: 4, Seed: 13);
        Assert.Equal(old, LedgerClient.Authorization(client, Key.Address, deadline));
        Assert.Equal(recipe, LedgerClient.Authorization(client with { Schedule = "linear", LabelSmoothing = 0.1, EarlyStopping = 3, LabelScoring = "mean" },
            Key.Address, deadline));

        // A signature over the request without options does not start one with them, nor the other way round.
        var now = deadline - 600;
        Assert.Null(old.Verify(Chain, old.Sign(Key, Chain), now));
        Assert.Equal(MlErrorCode.TrainingSignatureInvalid, recipe.Verify(Chain, old.Sign(Key, Chain), now)!.Value.Code);
        Assert.Equal(MlErrorCode.TrainingSignatureInvalid, old.Verify(Chain, recipe.Sign(Key, Chain), now)!.Value.Code);
    }

    [Fact]
    public void A_job_stored_before_the_recipe_options_loads_with_them_unset_and_a_new_one_round_trips()
    {
        var serializer = new JsonGrainStorageSerializer();
        TrainingJobView View(TrainingJobRequest request) => new(Keccak256.Hash("job"), request, Version, BaseModel, TrainingJobStatus.Queued, 0, 0,
            null, null, null, 0, null, 0, 24, null, null, null, null, null, null, 1, null, null, 0, "", 0);
        var stored = JsonNode.Parse(serializer.Serialize(new TrainingJobState { View = View(Old) }).ToString())!;
        // What an older node stored: the request with no member for the options.
        var request = Find(stored, "datanet") ?? throw new InvalidOperationException($"no request in {stored.ToJsonString()}");
        foreach (var name in request.AsObject().Select(p => p.Key).Where(k => k.ToLowerInvariant() is "schedule" or "labelsmoothing" or "earlystopping" or "labelscoring").ToList())
            request.AsObject().Remove(name);
        var loaded = serializer.Deserialize<TrainingJobState>(new BinaryData(Encoding.UTF8.GetBytes(stored.ToJsonString())));
        Assert.Equal(Old, loaded.View!.Request);

        var again = serializer.Deserialize<TrainingJobState>(serializer.Serialize(new TrainingJobState { View = View(WithRecipe) }));
        Assert.Equal(WithRecipe, again.View!.Request);
    }

    /// <summary>The JSON object holding a member named <paramref name="member"/> (any case), depth first.</summary>
    private static JsonObject? Find(JsonNode? node, string member) => node switch
    {
        JsonObject o when o.Any(p => string.Equals(p.Key, member, StringComparison.OrdinalIgnoreCase)) => o,
        JsonObject o => o.Select(p => Find(p.Value, member)).FirstOrDefault(f => f is not null),
        JsonArray a => a.Select(n => Find(n, member)).FirstOrDefault(f => f is not null),
        _ => null,
    };
}
