using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.ModelFactory;
using OpenLedger.Grains;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.Grains.Serving;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Operators;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Serving;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.ModelFactory;

/// <summary>The Model Factory and OpenLoRA fields of the root types. They translate: the grains on the ML silos
/// decide. Errors carry the grains' stable codes in <c>extensions.code</c>. The mutations administer the node and are
/// for its operator only (<see cref="OperatorAccess"/>), except starting a training job and cancelling one, which an
/// account (the job's owner) may do with its signature.</summary>
public static class MlFields
{
    /// <summary>The most jobs <c>trainingJobs</c> lists at once.</summary>
    public const int MaxJobs = 100;

    public static void AddMlQueries(this ObjectGraphType query)
    {
        query.Field<TrainingJobType>("trainingJob")
            .Description("A Model Factory job by id.")
            .Argument<NonNullGraphType<HashGraphType>>("id")
            .ResolveAsync(async c => await c.Grains().GetGrain<ITrainingJobGrain>(GrainKeys.Of(c.GetArgument<Hash32>("id"))).GetAsync());

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TrainingJobType>>>>("trainingJobs")
            .Description($"Model Factory jobs, newest first: at most limit (1 to {MaxJobs}); with owner, only the jobs that account owns " +
                         "(all of them, however old, newest first).")
            .Argument<IntGraphType>("limit", a => a.DefaultValue = 50)
            .Argument<AddressGraphType>("owner", a => a.Description = "Only this account's jobs.")
            .ListSize(MaxJobs)
            .ResolveAsync(async c =>
            {
                var limit = c.GetArgument<int>("limit");
                if (limit is < 1 or > MaxJobs)
                    throw new InvalidInputError(GraphQLErrorCodes.InvalidPageSize, $"limit is {limit}; it must be between 1 and {MaxJobs}");
                var factory = c.Grains().GetGrain<IModelFactoryGrain>(0);
                return c.GetArgument<Address?>("owner") is { } owner ? await factory.ListByOwnerAsync(owner, limit) : await factory.ListAsync(limit);
            });

        query.Field<NonNullGraphType<StringGraphType>>("trainingJobTypedData")
            .Description("The EIP-712 payload ({ domain, types, primaryType, message }) an account signs to start a training job it owns " +
                         "(startTrainingJob's authorization): pass the same input, the owner and the deadline (unix seconds, at most an hour ahead).")
            .Argument<NonNullGraphType<TrainingJobInputType>>("input")
            .Argument<NonNullGraphType<AddressGraphType>>("owner")
            .Argument<NonNullGraphType<LongGraphType>>("deadline")
            .ResolveAsync(async c =>
            {
                var chain = await c.Grains().GetGrain<IChainGrain>(0).GetInfoAsync();
                return c.GetArgument<TrainingJobRequest>("input").Authorization(c.GetArgument<Address>("owner"), (ulong)Math.Max(0, c.GetArgument<long>("deadline")))
                    .TypedData(chain.ChainId).ToJsonString();
            });

        query.Field<NonNullGraphType<TrainingCostRuleType>>("trainingCostRule")
            .Description("The limits on a job an account starts with its signature (funding, jobs at once, example passes).")
            .Resolve(_ => new object());

        query.Field<NonNullGraphType<StringGraphType>>("cancelTrainingJobTypedData")
            .Description("The EIP-712 payload ({ domain, types, primaryType, message }) a job's owner signs to cancel it " +
                         "(cancelTrainingJob's authorization): the job, the owner and the deadline (unix seconds, at most an hour ahead).")
            .Argument<NonNullGraphType<HashGraphType>>("id")
            .Argument<NonNullGraphType<AddressGraphType>>("owner")
            .Argument<NonNullGraphType<LongGraphType>>("deadline")
            .ResolveAsync(async c =>
            {
                var chain = await c.Grains().GetGrain<IChainGrain>(0).GetInfoAsync();
                return new CancelTrainingAuthorization(c.GetArgument<Address>("owner"), c.GetArgument<Hash32>("id"), (ulong)Math.Max(0, c.GetArgument<long>("deadline")))
                    .TypedData(chain.ChainId).ToJsonString();
            });

        query.Field<StringGraphType>("trainingRecord")
            .Description("The training record JSON of a succeeded job (its keccak256 is the job's trainingRecord).")
            .Argument<NonNullGraphType<HashGraphType>>("job")
            .Cost(100)
            .ResolveAsync(async c =>
            {
                if (await c.Grains().GetGrain<ITrainingJobGrain>(GrainKeys.Of(c.GetArgument<Hash32>("job"))).GetRecordAsync() is not { } bytes) return null;
                c.ChargeResponseBytes(bytes.Length);
                return System.Text.Encoding.UTF8.GetString(bytes);
            });

        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AdapterType>>>>("adapters")
            .Description("The adapters OpenLoRA has been asked for on an ML silo, most recently used first, with their state.")
            .ResolveAsync(async c => await OpenLora(c).ListAdaptersAsync());

        query.Field<NonNullGraphType<ServingStatusType>>("serving")
            .Description("OpenLoRA's base model and adapter cache on an ML silo.")
            .ResolveAsync(async c => await OpenLora(c).GetStatusAsync());

        query.AddMlSiloQueries();
    }

    public static void AddMlMutations(this ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<TrainingJobType>>("startTrainingJob")
            .Description("Fine-tunes a LoRA adapter on a datanet version (Model Factory). Returns the job at once; follow it with the " +
                         "trainingJob subscription. Started by an account with its signature (authorization; the payload is trainingJobTypedData's): " +
                         "the account owns the job, only it may register the job's training record, and it must hold at least 1 OPEN, have at most " +
                         "2 jobs queued or running and ask for at most 64,000 example passes (steps x batch size). Or by the node's operator " +
                         "(operator token), for nobody or for the owner it names. Asking again for the same training by the same owner returns the " +
                         "same job; a cancelled or failed job starts again from its last checkpoint. Errors: OPERATOR_REQUIRED (neither), " +
                         "TrainingSignatureInvalid, SignatureExpired, DeadlineTooFar, SignatureReplayed, AccountNotFunded, OwnerTrainingQuotaExceeded, " +
                         "TrainingBudgetExceeded, InvalidField, DatanetNotFound, VersionNotFound, NoExamples, TrainingQuotaExceeded.")
            .Argument<NonNullGraphType<TrainingJobInputType>>("input")
            .Argument<TrainingAuthorizationInputType>("authorization", a => a.Description = "The owner's signature; without it, the operator token is required.")
            .Argument<AddressGraphType>("owner", a => a.Description = "Operator only: the account the job is for (null: nobody).")
            .ResolveAsync(async c =>
            {
                var request = c.GetArgument<TrainingJobRequest>("input");
                var factory = c.Grains().GetGrain<IModelFactoryGrain>(0);
                TrainingJobSubmitResult result;
                if (c.Arguments is { } arguments && arguments.TryGetValue("authorization", out var given) && given.Value is IDictionary<string, object?> auth)
                {
                    if (c.HasArgument("owner")) throw new InvalidInputError(nameof(MlErrorCode.InvalidField), "owner is the operator's argument; a signed request's owner is its signer");
                    var deadline = Convert.ToInt64(auth["deadline"], System.Globalization.CultureInfo.InvariantCulture);
                    if (deadline < 0) throw new InvalidInputError(nameof(MlErrorCode.InvalidField), "deadline must be unix seconds");
                    result = await factory.SubmitSignedAsync(new SignedTrainingRequest(request, (Address)auth["owner"]!, (ulong)deadline, (byte[])auth["signature"]!));
                }
                else
                {
                    c.RequireOperator();
                    result = await factory.SubmitAsync(request, c.GetArgument<Address?>("owner"));
                }
                return result.Job ?? throw new InvalidInputError(result.ErrorCode!, result.Message!);
            });

        mutation.Field<NonNullGraphType<TrainingJobType>>("cancelTrainingJob")
            .Description("Stops a job after its current step, keeping its checkpoint. By the job's owner with its signature (authorization; " +
                         "the payload is cancelTrainingJobTypedData's), or by the node's operator (operator token). Errors: OPERATOR_REQUIRED " +
                         "(neither), JobNotFound, NotTrainingJobOwner, TrainingSignatureInvalid, SignatureExpired, DeadlineTooFar, SignatureReplayed.")
            .Argument<NonNullGraphType<HashGraphType>>("id")
            .Argument<TrainingAuthorizationInputType>("authorization", a => a.Description = "The job owner's signature; without it, the operator token is required.")
            .ResolveAsync(async c =>
            {
                var id = c.GetArgument<Hash32>("id");
                if (c.Arguments is { } arguments && arguments.TryGetValue("authorization", out var given) && given.Value is IDictionary<string, object?> auth)
                {
                    var deadline = Convert.ToInt64(auth["deadline"], System.Globalization.CultureInfo.InvariantCulture);
                    if (deadline < 0) throw new InvalidInputError(nameof(MlErrorCode.InvalidField), "deadline must be unix seconds");
                    var result = await c.Grains().GetGrain<IModelFactoryGrain>(0).CancelSignedAsync(
                        new SignedTrainingCancel(id, (Address)auth["owner"]!, (ulong)deadline, (byte[])auth["signature"]!));
                    return result.Job ?? throw new InvalidInputError(result.ErrorCode!, result.Message!);
                }
                c.RequireOperator();
                return await c.Grains().GetGrain<ITrainingJobGrain>(GrainKeys.Of(id)).CancelAsync() ?? throw new InvalidInputError(nameof(MlErrorCode.JobNotFound), $"no training job {id}");
            });

        AdapterAction(mutation, "loadAdapter", "Loads an adapter from the content store into OpenLoRA's cache.", (g, a) => g.LoadAsync(a));
        AdapterAction(mutation, "unloadAdapter", "Frees a resident adapter (not while pinned or serving), or clears a quarantined adapter's verdict " +
                                                 "so that its next request loads and checks it again.", (g, a) => g.UnloadAsync(a));
        AdapterAction(mutation, "pinAdapter", "Loads an adapter if needed and keeps it resident until unpinned.", (g, a) => g.PinAsync(a));
        AdapterAction(mutation, "unpinAdapter", "Makes a pinned adapter evictable again.", (g, a) => g.UnpinAsync(a));
        mutation.AddMlSiloMutations();
    }

    public static void AddMlSubscriptions(this ObjectGraphType subscription)
    {
        subscription.Field<NonNullGraphType<TrainingJobType>, TrainingJobView>("trainingJob")
            .Description("A training job now, then each progress update (step, loss, evaluation, speed, time left) and status change; " +
                         "completes when the job succeeds, fails or is cancelled.")
            .Argument<NonNullGraphType<HashGraphType>>("id")
            .ResolveStream(c =>
            {
                var services = c.RequestServices ?? throw new InvalidOperationException("no request services");
                return new TrainingJobFeed(services.GetRequiredService<IClusterClient>(), c.GetArgument<Hash32>("id"), services.GetService<SiloLossWatch>());
            });
    }

    private static void AdapterAction(ObjectGraphType mutation, string name, string description, Func<IOpenLoraGrain, Hash32, Task<AdapterActionResult>> act) =>
        mutation.Field<NonNullGraphType<AdapterType>>(name)
            .Description(description + " Errors: AdapterNotFound, InvalidAdapter, AdapterCacheFull, AdapterNotLoaded, NotPinned, AdapterPinned, AdapterBusy.")
            .Argument<NonNullGraphType<HashGraphType>>("adapter")
            .ResolveAsync(async c =>
            {
                c.RequireOperator();
                var result = await act(OpenLora(c), c.GetArgument<Hash32>("adapter"));
                return result.Ok && result.Adapter is not null ? result.Adapter : throw new InvalidInputError(result.ErrorCode ?? nameof(MlErrorCode.AdapterNotFound), result.Message ?? "no such adapter");
            });

    private static IOpenLoraGrain OpenLora(IResolveFieldContext c) => c.Grains().GetGrain<IOpenLoraGrain>(0);
}
