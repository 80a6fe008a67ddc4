using ErrorCode = OpenLedger.Core.Errors.ErrorCode;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.GraphQL.Ledger;
using OpenLedger.GraphQL.Operators;
using OpenLedger.GraphQL.Market;
using OpenLedger.GraphQL.Scalars;

using OpenLedger.GraphQL.ModelFactory;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Schema;

/// <summary>Writes: the typed data a wallet signs for an intent (any transaction kind), submission of signed transactions,
/// and uploads to the content store. A browser needs none of our C#: ask <c>typedData</c>, sign it with ethers or
/// MetaMask, send it back with the signature.</summary>
public sealed class LedgerMutation : ObjectGraphType
{
    public const int MaxBatch = 1_000;

    public LedgerMutation()
    {
        Name = "Mutation";
        this.AddMlMutations();

        var typedData = Field<NonNullGraphType<TypedDataType>>("typedData")
            .Description("The exact EIP-712 payload to sign for one intent: give exactly one argument (transfer, createDatanet, contribute, ...). " +
                         "nonce defaults to the account's next nonce, gasPrice to the floor.")
            .Argument<TransferIntentType>("transfer");
        foreach (var (name, kind) in IntentArguments) typedData.Argument(new IntentInputType(kind), name);
        typedData.ResolveAsync(async c =>
        {
            var given = c.Arguments!.Where(a => a.Value.Value is not null).Select(a => a.Key).ToList();
            if (given.Count != 1)
                throw new InvalidInputError(MarketErrors.BadInput,
                    $"give exactly one intent of: transfer, {string.Join(", ", IntentArguments.Keys)} (got {(given.Count == 0 ? "none" : string.Join(", ", given))})");
            var kind = given[0] == "transfer" ? TxKind.Transfer : IntentArguments[given[0]];
            var intent = InputOf(c.Arguments![given[0]].Value);
            var body = IntentBodies.Build(kind, intent);
            var grains = c.Grains();
            var chain = await grains.GetGrain<IChainGrain>(0).GetInfoAsync();
            var from = (Address)intent["from"]!;
            if (intent.GetValueOrDefault("nonce") is Wei big && big.Value > ulong.MaxValue)
                throw new InvalidInputError(nameof(ErrorCode.InvalidField), "nonce is an unsigned 64-bit integer");
            var nonce = intent.GetValueOrDefault("nonce") is Wei n ? (ulong)n.Value
                : (await grains.GetGrain<IAccountGrain>(GrainKeys.Of(from)).GetAsync()).NextNonce;
            var gasPrice = intent.GetValueOrDefault("gasPrice") is Wei g ? g : chain.GasPriceFloor;
            var tx = new Transaction(chain.ChainId, from, nonce, gasPrice, body);
            return new TypedDataView(TypedDataDocument.ToJson(tx), tx.SigningHash(), tx.PrimaryType);
        });

        Field<NonNullGraphType<UploadedContentType>>("uploadContent")
            .Description("Stores content in the node's content store (give text, or base64 for bytes): the hash, normalized hash and size " +
                         "to name in a Contribute intent. Errors: ContributionTooLarge (over the chain's limit), InvalidField (empty), BAD_INPUT, " +
                         "UPLOAD_QUOTA_EXCEEDED (each client may upload a budget of bytes a minute), InvalidTaskExample (with a datanet: not a " +
                         "training example of its task format, so a Contribute naming it would be refused; nothing is stored).")
            .Argument<StringGraphType>("text", "UTF-8 text.")
            .Argument<StringGraphType>("base64", "Bytes, base64-encoded.")
            .Argument<HashGraphType>("datanet", "The datanet it is meant for: the content is checked against its task format and nearDuplicates lists its similar contributions.")
            .ResolveAsync(async c =>
            {
                var text = c.GetArgument<string?>("text");
                var base64 = c.GetArgument<string?>("base64");
                if ((text is null) == (base64 is null)) throw new InvalidInputError(MarketErrors.BadInput, "give text or base64 (exactly one)");
                byte[] bytes;
                if (text is not null) bytes = System.Text.Encoding.UTF8.GetBytes(text);
                else
                {
                    try { bytes = Convert.FromBase64String(base64!); }
                    catch (FormatException) { throw new InvalidInputError(MarketErrors.BadInput, "base64 is not valid base64"); }
                }
                // Named datanet: refuse here, with admission's own code and words, what a Contribute would be refused for.
                if (c.GetArgument<Hash32?>("datanet") is { } named
                    && (await c.MarketQuery().GetObjectsAsync([named]))[0]?.Object is Datanet datanet
                    && TaskExampleFormat.AdmissionError(datanet.Task, bytes, Keccak256.Hash(bytes)) is { IsError: true } refusal)
                    throw new InvalidInputError(refusal.CodeText, refusal.Message);
                if (!OperatorAccess.IsOperator(c.User))
                    c.RequestServices!.GetRequiredService<UploadQuota>().Take(OperatorAccess.Client(c.User), bytes.Length);
                var put = await c.Grains().GetGrain<IContentGrain>(0).PutAsync(bytes);
                var content = put.Content ?? throw new InvalidInputError(put.ErrorCode ?? nameof(ErrorCode.InvalidField), put.Message ?? "the content was refused");
                return new UploadedContentView(content, c.GetArgument<Hash32?>("datanet"));
            });

        Field<NonNullGraphType<SendResultType>>("sendTransaction")
            .Description("Submits one signed transaction: its hash, or the ledger's error code.")
            .Argument<NonNullGraphType<SignedTransactionInputType>>("signed")
            .ResolveAsync(async c => (await SubmitAsync(c, [InputOf(c.Arguments!["signed"].Value)]))[0]);

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SendResultType>>>>("sendTransactions")
            .Description($"Submits up to {MaxBatch} signed transactions at once; one result per item, in order.")
            .ListSize(MaxBatch)
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<SignedTransactionInputType>>>>("signed")
            .ResolveAsync(async c =>
            {
                var items = ((System.Collections.IEnumerable)c.Arguments!["signed"].Value!).Cast<object?>().Select(InputOf).ToList();
                if (items.Count > MaxBatch) throw new InvalidInputError(ErrorCode.BatchTooLarge.ToString(), $"at most {MaxBatch} transactions per call");
                return await SubmitAsync(c, items);
            });
    }

    /// <summary>typedData's argument for each kind besides transfer: the kind's name in camelCase.</summary>
    private static readonly IReadOnlyDictionary<string, TxKind> IntentArguments = Enum.GetValues<TxKind>()
        .Where(k => k != TxKind.Transfer && TxBodies.IsKnown(k))
        .ToDictionary(k => char.ToLowerInvariant(k.ToString()[0]) + k.ToString()[1..]);

    // Input objects without a CLR type arrive as dictionaries of already-parsed scalar values.
    private static IReadOnlyDictionary<string, object?> InputOf(object? value) =>
        value as IReadOnlyDictionary<string, object?> ?? (value as IDictionary<string, object?>)?.ToDictionary(kv => kv.Key, kv => kv.Value)
        ?? throw new InvalidInputError("BAD_INPUT", "expected an input object");

    private static async Task<IReadOnlyList<SubmitResult>> SubmitAsync(IResolveFieldContext c, IReadOnlyList<IReadOnlyDictionary<string, object?>> items)
    {
        var results = new SubmitResult?[items.Count];
        var raws = new List<byte[]>();
        var at = new List<int>();
        for (int i = 0; i < items.Count; i++)
        {
            var (raw, error) = ToRaw(items[i]);
            if (raw is null) results[i] = error;
            else { raws.Add(raw); at.Add(i); }
        }
        if (raws.Count > 0)
        {
            var submitted = await c.Grains().GetGrain<ITransactionIntakeGrain>(0).SubmitAsync(raws);
            for (int k = 0; k < submitted.Count; k++) results[at[k]] = submitted[k];
        }
        return results!;
    }

    /// <summary>Either the raw envelope, or typed data plus its 65-byte signature.</summary>
    private static (byte[]? Raw, SubmitResult? Error) ToRaw(IReadOnlyDictionary<string, object?> input)
    {
        static SubmitResult Fail(ErrorCode code, string message) => SubmitResult.Fail(new LedgerError(code, message));
        var raw = input.GetValueOrDefault("raw") as byte[];
        var typed = input.GetValueOrDefault("typedData") as string;
        var sig = input.GetValueOrDefault("signature") as byte[];
        if (raw is not null && (typed is not null || sig is not null)) return (null, Fail(ErrorCode.MalformedTransaction, "give raw, or typedData with signature, not both"));
        if (raw is not null) return (raw, null);
        if (typed is null || sig is null) return (null, Fail(ErrorCode.MalformedTransaction, "give raw, or typedData with signature"));
        if (sig.Length != Signature.Length) return (null, Fail(ErrorCode.BadSignature, $"a signature is {Signature.Length} bytes (r, s, v), got {sig.Length}"));
        if (!TypedDataDocument.TryParse(typed, out var tx, out var why)) return (null, Fail(ErrorCode.MalformedTransaction, why));
        return (new SignedTransaction(tx!, Signature.Read(sig)).Encode(), null);
    }
}

/// <summary>What <c>typedData</c> returns.</summary>
public sealed record TypedDataView(string Json, Hash32 Hash, string PrimaryType);

public sealed class TypedDataType : ObjectGraphType<TypedDataView>
{
    public TypedDataType()
    {
        Name = "TypedData";
        Field<NonNullGraphType<StringGraphType>>("json").Description("{ domain, types, primaryType, message } as JSON; integers as decimal strings. ethers: signTypedData(domain, types without EIP712Domain, message).").Resolve(c => c.Source.Json);
        Field<NonNullGraphType<HashGraphType>>("hash").Description("The digest to be signed; also the transaction's hash.").Resolve(c => c.Source.Hash);
        Field<NonNullGraphType<StringGraphType>>("primaryType").Resolve(c => c.Source.PrimaryType);
    }
}

public sealed class TransferIntentType : InputObjectGraphType
{
    public TransferIntentType()
    {
        Name = "TransferIntent";
        Field<NonNullGraphType<AddressGraphType>>("from");
        Field<NonNullGraphType<AddressGraphType>>("to");
        Field<NonNullGraphType<WeiAmountGraphType>>("amount").Description("Wei.");
        Field<WeiAmountGraphType>("nonce");
        Field<WeiAmountGraphType>("gasPrice").Description("Wei per gas; at least the chain's floor.");
    }
}

public sealed class SignedTransactionInputType : InputObjectGraphType
{
    public SignedTransactionInputType()
    {
        Name = "SignedTransactionInput";
        Description = "A signed transaction: the raw envelope, or the typed data as returned by typedData with the wallet's 65-byte signature.";
        Field<BytesGraphType>("raw");
        Field<StringGraphType>("typedData");
        Field<BytesGraphType>("signature");
    }
}

public sealed class SendResultType : ObjectGraphType<SubmitResult>
{
    public SendResultType()
    {
        Name = "SendResult";
        Field<NonNullGraphType<BooleanGraphType>>("accepted").Resolve(c => c.Source.Accepted);
        Field<HashGraphType>("hash").Resolve(c => c.Source.Hash);
        Field<StringGraphType>("errorCode").Description("A stable ledger error code, e.g. NonceTooLow.").Resolve(c => c.Source.ErrorCode);
        Field<StringGraphType>("errorMessage").Resolve(c => c.Source.Message);
    }
}
