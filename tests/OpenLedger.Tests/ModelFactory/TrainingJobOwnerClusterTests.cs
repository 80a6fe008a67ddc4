using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.ModelFactory;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>Training jobs have an owner, in a real two-silo cluster: an account starts a job with its signed request and
/// owns it (view, record); only it can register the job's record as a model (another account is refused at admission
/// with NotTrainingJobOwner and nothing changes); forged, expired, replayed, other-chain and unfunded requests are
/// refused with stable codes; the per-owner cap and budget hold; records without an owner stay registrable by anyone.
/// The job's adapter names its owner too: another account naming it with a record of its own making is refused the
/// same way, while an operator job's adapter (no owner) stays registrable by anyone.</summary>
[Collection("ml-cluster")]
public sealed class TrainingJobOwnerClusterTests(MlClusterFixture fx)
{
    private static readonly IReadOnlyList<TaskExample> Examples =
    [
        new("robin: a small songbird", "noun.animal"), new("oak: a tall tree with acorns", "noun.plant"),
        new("eagle: a large bird of prey", "noun.animal"), new("fern: a flowerless green plant", "noun.plant"),
        new("trout: a freshwater fish", "noun.animal"), new("moss: a small green plant of damp places", "noun.plant"),
    ];

    private PrivateKey Owner => fx.Chain.Keys[10];
    private PrivateKey Other => fx.Chain.Keys[11];
    private IModelFactoryGrain Factory => fx.Client.GetGrain<IModelFactoryGrain>(0);

    private SignedTrainingRequest Sign(TrainingJobRequest request, PrivateKey key, Address? owner = null, long deadlineFromNow = 600, ulong? chainId = null)
    {
        var deadline = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + deadlineFromNow);
        var who = owner ?? key.Address;
        var signature = request.Authorization(who, deadline).Sign(key, chainId ?? fx.Chain.Rules.ChainId);
        return new SignedTrainingRequest(request, who, deadline, signature.ToArray());
    }

    [Fact]
    public async Task An_account_starts_a_job_with_its_signature_and_only_it_can_register_the_jobs_record()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[5], "owned-job", Examples);
        var request = new TrainingJobRequest(datanet, 0, Steps: 4, BatchSize: 2, Seed: 21);
        var started = await Factory.SubmitSignedAsync(Sign(request, Owner));
        Assert.True(started.Ok, $"{started.ErrorCode}: {started.Message}");
        Assert.Equal(Owner.Address, started.Job!.Owner);
        var done = await UntilAsync(started.Job.Id, j => j.IsFinished, TimeSpan.FromMinutes(2));
        Assert.Equal(TrainingJobStatus.Succeeded, done.Status);

        // The record names its owner in the new format; the same training for nobody is another job with a /3 record.
        var recordBytes = (await fx.Content.GetAsync(done.TrainingRecord!.Value))!;
        var record = TrainingRecord.Parse(recordBytes);
        Assert.Equal((TrainingRecord.FormatWithOwner, Owner.Address.ToString()), (record.Format, record.Owner));
        Assert.Equal(Owner.Address, TrainingRecordOwner.Read(recordBytes));
        Assert.NotEqual(done.Id, TrainingJobIds.JobId(done.Version, done.BaseModel, TrainingJobIds.Spec(done.Request)));

        // Another account naming the job's record is refused at admission: no transaction, its nonce unchanged.
        var register = new RegisterModel("owned-job-model", done.BaseModel, done.Adapter!.Value, [done.Version], done.TrainingRecord.Value, Wei.FromOpen(1), 5_000, 4_000, 1_000);
        var otherBefore = await fx.Client.GetGrain<IAccountGrain>(GrainKeys.Of(Other.Address)).GetAsync();
        var refused = await SubmitAsync(Other, register);
        Assert.Equal("NotTrainingJobOwner", refused.ErrorCode);
        Assert.Contains(Owner.Address.ToString(), refused.Message);
        var otherAfter = await fx.Client.GetGrain<IAccountGrain>(GrainKeys.Of(Other.Address)).GetAsync();
        Assert.Equal((otherBefore.Balance, otherBefore.NextNonce), (otherAfter.Balance, otherAfter.NextNonce));

        // The job's adapter names its owner too: with a record of another account's making (one naming no owner, or
        // one the node does not hold) the adapter is still refused, and nothing changes.
        var adapterBytes = (await fx.Content.GetAsync(done.Adapter!.Value))!;
        Assert.Equal(Owner.Address, AdapterOwner.Read(adapterBytes));
        var madeUp = await fx.Content.PutAsync(JsonSerializer.SerializeToUtf8Bytes(new { format = TrainingRecord.CurrentFormat, adapter = done.Adapter.Value.ToString() }));
        foreach (var ownRecord in new[] { madeUp.Hash, Keccak256.Hash("other record") })
        {
            var stolen = await SubmitAsync(Other, register with { Name = "stolen-adapter", TrainingRecord = ownRecord });
            Assert.Equal("NotTrainingJobOwner", stolen.ErrorCode);
            Assert.Contains($"adapter {done.Adapter.Value}", stolen.Message);
            Assert.Contains(Owner.Address.ToString(), stolen.Message);
        }
        var otherAfterAdapter = await fx.Client.GetGrain<IAccountGrain>(GrainKeys.Of(Other.Address)).GetAsync();
        Assert.Equal((otherBefore.Balance, otherBefore.NextNonce), (otherAfterAdapter.Balance, otherAfterAdapter.NextNonce));

        // The owner registers it, and the node went on serving (the block with it commits).
        var model = await fx.CommitAsync(Owner, register);
        // A new version naming the record, or the adapter, is the owner's too: another account's model may not take it.
        var otherModel = await fx.CommitAsync(Other, new RegisterModel("other-model", done.BaseModel, Keccak256.Hash("other adapter"), [done.Version], Keccak256.Hash("other record"), Wei.FromOpen(1), 5_000, 4_000, 1_000));
        var update = await SubmitAsync(Other, new UpdateModel(otherModel, Wei.FromOpen(1), ModelStatus.Active, done.Adapter.Value, done.TrainingRecord.Value, [done.Version]));
        Assert.Equal("NotTrainingJobOwner", update.ErrorCode);
        var adapterUpdate = await SubmitAsync(Other, new UpdateModel(otherModel, Wei.FromOpen(1), ModelStatus.Active, done.Adapter.Value, madeUp.Hash, [done.Version]));
        Assert.Equal("NotTrainingJobOwner", adapterUpdate.ErrorCode);
        Assert.Contains($"adapter {done.Adapter.Value}", adapterUpdate.Message);
        await fx.CommitAsync(Owner, new UpdateModel(model, Wei.FromOpen(2), ModelStatus.Active, done.Adapter.Value, done.TrainingRecord.Value, [done.Version]));
    }

    [Fact]
    public async Task Records_without_an_owner_stay_registrable_by_anyone()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[5], "ownerless-record", Examples.Take(2).ToList());
        // A record as every job wrote it before owners existed (format /3, no owner member), byte for byte as stored.
        var old = JsonSerializer.SerializeToUtf8Bytes(new { format = TrainingRecord.CurrentFormat, baseModel = new { name = "builtin:0x00" } });
        var put = await fx.Content.PutAsync(old);
        Assert.Null(TrainingRecordOwner.Read(old));
        var operatorJob = await Factory.SubmitAsync(new TrainingJobRequest(datanet, 0, Steps: 1, BatchSize: 2, Seed: 22));
        Assert.Null(operatorJob.Job!.Owner);
        var done = await UntilAsync(operatorJob.Job.Id, j => j.IsFinished, TimeSpan.FromMinutes(2));
        Assert.Equal(TrainingJobStatus.Succeeded, done.Status);
        var operatorRecord = (await fx.Content.GetAsync(done.TrainingRecord!.Value))!;
        Assert.Equal(TrainingRecord.CurrentFormat, TrainingRecord.Parse(operatorRecord).Format); // jobs for nobody write /3 as before
        Assert.Null(TrainingRecordOwner.Read(operatorRecord));
        Assert.Null(AdapterOwner.Read((await fx.Content.GetAsync(done.Adapter!.Value))!)); // nor does its adapter
        foreach (var (name, record) in new[] { ("ownerless-old", put.Hash), ("ownerless-operator", done.TrainingRecord.Value) })
            await fx.CommitAsync(Other, new RegisterModel(name, done.BaseModel, done.Adapter!.Value, [DatanetVersion.IdOf(datanet, 1)], record, Wei.FromOpen(1), 5_000, 4_000, 1_000));
    }

    [Fact]
    public async Task Forged_expired_replayed_other_chain_and_unfunded_requests_are_refused_with_codes_and_start_nothing()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[5], "refused-requests", Examples);
        var request = new TrainingJobRequest(datanet, 0, Steps: 20_000, BatchSize: 2, Seed: 23);
        var before = (await Factory.ListAsync(500)).Count;
        var unfunded = PrivateKey.Generate();
        var refusals = new (string Expected, SignedTrainingRequest Signed)[]
        {
            ("TrainingSignatureInvalid", Sign(request, Other, owner: Owner.Address)), // signed by another key
            ("TrainingSignatureInvalid", Sign(request, Owner, chainId: fx.Chain.Rules.ChainId + 1)), // for another chain
            ("TrainingSignatureInvalid", Sign(request, Owner) with { Request = request with { Seed = 24 } }), // over another request
            ("TrainingSignatureInvalid", Sign(request, Owner) with { Signature = new byte[10] }),
            // The recipe options are part of what is signed: added, dropped or changed after signing, refused.
            ("TrainingSignatureInvalid", Sign(request, Owner) with { Request = request with { EarlyStopping = 2 } }),
            ("TrainingSignatureInvalid", Sign(request with { Schedule = "linear" }, Owner) with { Request = request }),
            ("TrainingSignatureInvalid", Sign(request with { LabelSmoothing = 0.1 }, Owner) with { Request = request with { LabelSmoothing = 0.2 } }),
            // Signed, but not a valid recipe: the spec's rule, as for any hyperparameter.
            ("InvalidField", Sign(request with { LabelScoring = "max" }, Owner)),
            ("SignatureExpired", Sign(request, Owner, deadlineFromNow: -1)),
            ("DeadlineTooFar", Sign(request, Owner, deadlineFromNow: 2 * 3600)),
            ("AccountNotFunded", Sign(request, unfunded)),
            ("TrainingBudgetExceeded", Sign(request with { Steps = 40_000 }, Owner)),
        };
        foreach (var (expected, signed) in refusals)
        {
            var result = await Factory.SubmitSignedAsync(signed);
            Assert.Equal((null, expected), (result.Job, result.ErrorCode));
            Assert.False(string.IsNullOrWhiteSpace(result.Message));
        }
        Assert.Equal(before, (await Factory.ListAsync(500)).Count);

        // Within the cap an owner has two jobs at once; the same signature presented again is refused, a third job too.
        var jobs = new List<TrainingJobView>();
        try
        {
            var first = Sign(request, Owner);
            jobs.Add((await Factory.SubmitSignedAsync(first)).Job!);
            jobs.Add((await Factory.SubmitSignedAsync(Sign(request with { Seed = 25 }, Owner))).Job!);
            Assert.Equal(TrainingCostRule.MaxActiveJobsPerOwner, jobs.Count(j => j.Owner == Owner.Address));
            var third = await Factory.SubmitSignedAsync(Sign(request with { Seed = 26 }, Owner));
            Assert.Equal((null, "OwnerTrainingQuotaExceeded"), (third.Job, third.ErrorCode));
            // Asking again for a job that holds a place answers it (a fresh signature), but the used one is refused.
            Assert.Equal(jobs[0].Id, (await Factory.SubmitSignedAsync(Sign(request, Owner, deadlineFromNow: 601))).Job!.Id);
            await CancelAsync(jobs[0].Id);
            var replayed = await Factory.SubmitSignedAsync(first);
            Assert.Equal((null, "SignatureReplayed"), (replayed.Job, replayed.ErrorCode));
            // Another account is not held by this owner's cap, and gets its own job for the same training.
            var others = (await Factory.SubmitSignedAsync(Sign(request with { Seed = 26 }, Other))).Job!;
            jobs.Add(others);
            Assert.Equal(Other.Address, others.Owner);
        }
        finally
        {
            foreach (var job in jobs) await CancelAsync(job.Id);
        }
    }

    private async Task<SubmitResult> SubmitAsync(PrivateKey key, ITxBody body)
    {
        var nonce = (await fx.Client.GetGrain<IAccountGrain>(GrainKeys.Of(key.Address)).GetAsync()).NextNonce;
        var tx = new Transaction(fx.Chain.Rules.ChainId, key.Address, nonce, fx.Chain.GasPrice, body).Sign(key);
        return (await fx.Client.GetGrain<ITransactionIntakeGrain>(0).SubmitAsync([tx.Encode()]))[0];
    }

    private async Task CancelAsync(Hash32 job)
    {
        await fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job)).CancelAsync();
        await UntilAsync(job, j => j.IsFinished, TimeSpan.FromSeconds(90));
    }

    private async Task<TrainingJobView> UntilAsync(Hash32 job, Func<TrainingJobView, bool> condition, TimeSpan timeout)
    {
        var grain = fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job));
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var view = await grain.GetAsync();
            if (view is not null && condition(view)) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job state never matched; last: {view}");
            await Task.Delay(50);
        }
    }
}
