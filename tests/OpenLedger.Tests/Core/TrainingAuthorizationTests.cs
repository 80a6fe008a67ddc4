using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.ModelFactory;
using OpenLedger.Core.Money;

namespace OpenLedger.Tests.Core;

/// <summary>The rules of an owned training job in the pure core: the signed request (chain, request, deadline), the
/// cost rule, and reading a record's owner.</summary>
public sealed class TrainingAuthorizationTests
{
    private static readonly PrivateKey Key = PrivateKey.Derive("training-authorization", "owner");
    private const ulong Chain = 1337;
    private const ulong Now = 1_800_000_000;

    private static TrainingAuthorization Request(ulong deadline = Now + 600, string? hyper = null) =>
        new(Key.Address, Keccak256.Hash("datanet"), 0, hyper ?? TrainingAuthorization.HyperparametersText(8, 16, null, 3e-3, 1, null, 16, 1), deadline);

    [Fact]
    public void The_hyperparameters_text_is_one_canonical_line()
    {
        Assert.Equal("rank=8 alpha=16 targets=default lr=0.003 epochs=1 steps=auto batch=16 seed=1", Request().Hyperparameters);
        Assert.Equal("rank=4 alpha=8.5 targets=attn.c_attn,mlp.c_fc lr=1E-05 epochs=2 steps=30 batch=2 seed=-3",
            TrainingAuthorization.HyperparametersText(4, 8.5, ["attn.c_attn", "mlp.c_fc"], 1e-5, 2, 30, 2, -3));
    }

    [Fact]
    public void The_owners_signature_verifies_on_its_chain_before_its_deadline_only()
    {
        var request = Request();
        var signature = request.Sign(Key, Chain);
        Assert.Null(request.Verify(Chain, signature, Now));
        Assert.Equal(MlErrorCode.TrainingSignatureInvalid, request.Verify(Chain + 1, signature, Now)!.Value.Code);
        Assert.Equal(MlErrorCode.TrainingSignatureInvalid, (request with { Hyperparameters = "rank=9" }).Verify(Chain, signature, Now)!.Value.Code);
        Assert.Equal(MlErrorCode.TrainingSignatureInvalid, (request with { Owner = PrivateKey.Derive("x", "y").Address }).Verify(Chain, signature, Now)!.Value.Code);
        Assert.Equal(MlErrorCode.SignatureExpired, request.Verify(Chain, signature, Now + 600)!.Value.Code);
        var far = Request(Now + 3601);
        Assert.Equal(MlErrorCode.DeadlineTooFar, far.Verify(Chain, far.Sign(Key, Chain), Now)!.Value.Code);
    }

    [Fact]
    public void The_typed_data_names_the_type_the_digest_hashes()
    {
        var doc = Request().TypedData(Chain);
        var fields = doc["types"]![TrainingAuthorization.PrimaryType]!.AsArray().Select(f => $"{(string)f!["type"]!} {(string)f["name"]!}");
        Assert.Equal(TrainingAuthorization.TypeString, $"{TrainingAuthorization.PrimaryType}({string.Join(',', fields)})");
        Assert.Equal(Chain.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)doc["domain"]!["chainId"]!);
        Assert.Equal(Request().Hyperparameters, (string)doc["message"]!["hyperparameters"]!);
    }

    [Fact]
    public void The_cost_rule_needs_a_funded_account_under_its_cap_and_budget()
    {
        var funded = TrainingCostRule.MinimumBalance;
        Assert.Null(TrainingCostRule.Check(funded, TrainingCostRule.MaxActiveJobsPerOwner - 1, TrainingCostRule.MaxExamplePassesPerJob));
        Assert.Equal(MlErrorCode.AccountNotFunded, TrainingCostRule.Check(Wei.FromOpen(1) - new Wei(1u), 0, 1)!.Value.Code);
        Assert.Equal(MlErrorCode.OwnerTrainingQuotaExceeded, TrainingCostRule.Check(funded, TrainingCostRule.MaxActiveJobsPerOwner, 1)!.Value.Code);
        Assert.Equal(MlErrorCode.TrainingBudgetExceeded, TrainingCostRule.Check(funded, 0, TrainingCostRule.MaxExamplePassesPerJob + 1)!.Value.Code);
        Assert.Equal(4 * 16, TrainingCostRule.ExamplePasses(null, 1, 16, 50)); // one epoch of 50 examples: 4 batches of 16
        Assert.Equal(30 * 2, TrainingCostRule.ExamplePasses(30, 1, 2, 50));
    }

    [Fact]
    public void A_records_owner_is_its_owner_member_and_old_or_unreadable_records_name_none()
    {
        var owner = Key.Address;
        Assert.Equal(owner, TrainingRecordOwner.Read(System.Text.Encoding.UTF8.GetBytes($"{{\"format\":\"openledger-training-record/4\",\"owner\":\"{owner}\"}}")));
        Assert.Null(TrainingRecordOwner.Read("{\"format\":\"openledger-training-record/3\"}"u8));
        Assert.Null(TrainingRecordOwner.Read("not json"u8));
        Assert.Null(TrainingRecordOwner.Read("[1,2]"u8));
        Assert.Null(TrainingRecordOwner.Read("{\"owner\":\"nobody\"}"u8));
    }
}
