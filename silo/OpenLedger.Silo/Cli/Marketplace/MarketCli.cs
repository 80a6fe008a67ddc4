using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Ledger;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Ledger;
using OpenLedger.Grains.Market;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Silo.Keys;

namespace OpenLedger.Silo.Cli.Marketplace;

// What the marketplace verbs share: the signing key, option parsing, and a session with the node that signs,
// submits, waits and prints outcomes. Each verb parses everything it needs before it connects, so a mistake on the
// command line (exit code 2) never touches the chain.

/// <summary>The signer of a verb and how it sends: key, optional gas price and nonce, and whether to wait for the block.</summary>
public sealed record Signer(SigningKey Signing, Wei? GasPrice, ulong? Nonce, bool NoWait, TimeSpan Wait)
{
    public PrivateKey Key => Signing.Key;

    public static Signer From(Args args, NodeSettings settings) =>
        new(SignerKeys.Resolve(args, settings, Console.Error), Options.OptionalWei(args, "gas-price"), Options.OptionalULong(args, "nonce"),
            args.Has("no-wait"), Options.OptionalSeconds(args, "timeout") ?? MarketSession.CommitTimeout);
}

/// <summary>A verb that reached the node but could not do what it was asked (an unknown id, a failed upload): exit code 1.</summary>
public sealed class CommandFailedException(string message) : Exception(message);

/// <summary>What became of one signed transaction: refused at submission, pending, or committed with its receipt.</summary>
public sealed record TxOutcome(SignedTransaction Signed, SubmitResult Submitted, TransactionView? View, bool Waited)
{
    public Hash32 Hash => Signed.Hash;
    public bool Accepted => Submitted.Accepted;
    public bool Committed => View?.Status == TxStatus.Committed;
    public bool Succeeded => Committed && View!.Succeeded == true;

    /// <summary>The stable error code: the submission's, or the failed receipt's.</summary>
    public string? Error => !Accepted ? Submitted.ErrorCode : Committed && !Succeeded ? View!.ErrorCode : null;

    /// <summary>0 when it succeeded (or was accepted and not waited for), else 1.</summary>
    public int ExitCode => Accepted && (Succeeded || !Waited) ? 0 : 1;

    /// <summary>One line: "rejected: Code: message", "pending", "committed in block N: success|failed Code".</summary>
    public string Describe() =>
        !Accepted ? $"rejected: {Submitted.ErrorCode}: {Submitted.Message}"
        : !Waited ? "submitted, not waited for"
        : !Committed ? $"not committed within the wait (status {View?.Status}); it may still commit: openledger tx {Hash}"
        : $"committed in block {View!.BlockHeight}: {(Succeeded ? "success" : "failed " + View.ErrorCode)}";
}

/// <summary>One verb's connection to a node: the chain's identity, reads of the marketplace, and signing, submitting
/// and waiting for transactions.</summary>
public sealed class MarketSession : IAsyncDisposable
{
    /// <summary>How long a verb waits for its transaction's block unless told (--timeout SECONDS).</summary>
    public static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;
    public IClusterClient Grains { get; }
    public ChainInfo Chain { get; }
    public TextWriter Out { get; }

    private MarketSession(IHost host, IClusterClient grains, ChainInfo chain, TextWriter output) =>
        (_host, Grains, Chain, Out) = (host, grains, chain, output);

    /// <summary>Connects to the node; with a <paramref name="signer"/>, first makes sure the node's chain accepts its key
    /// (a key derived from a dev seed signs only on that dev chain).</summary>
    public static async Task<MarketSession> ConnectAsync(NodeSettings settings, TextWriter output, Signer? signer = null)
    {
        var host = await NodeClient.ConnectAsync(settings);
        try
        {
            var grains = host.Services.GetRequiredService<IClusterClient>();
            var chain = await grains.GetGrain<IChainGrain>(0).GetInfoAsync();
            if (signer is not null) SignerKeys.RequireAcceptedBy(signer.Signing, chain);
            return new MarketSession(host, grains, chain, output);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(cts.Token);
        }
        catch (OperationCanceledException) { }
        finally { _host.Dispose(); }
    }

    public IMarketQueryGrain Query => Grains.GetGrain<IMarketQueryGrain>(0);

    public static string Key(Address a) => a.ToString().ToLowerInvariant();
    public static string Key(Hash32 h) => h.ToString();

    public async Task<T?> FindAsync<T>(Hash32 id) where T : class, IMarketObject => (await Query.GetObjectAsync(id))?.Object as T;

    /// <summary>The object, or a failure (exit code 1) that says no <paramref name="what"/> has this id.</summary>
    public async Task<T> GetAsync<T>(Hash32 id, string what) where T : class, IMarketObject =>
        await FindAsync<T>(id) ?? throw new CommandFailedException($"no {what} {id} on this chain");

    public async Task<ulong> NextNonceAsync(Signer signer) =>
        signer.Nonce ?? (await Grains.GetGrain<IAccountGrain>(Key(signer.Key.Address)).GetAsync()).NextNonce;

    public SignedTransaction Sign(Signer signer, ulong nonce, ITxBody body) =>
        new Transaction(Chain.ChainId, signer.Key.Address, nonce, signer.GasPrice ?? Chain.GasPriceFloor, body).Sign(signer.Key);

    /// <summary>Submits in one gateway call; one result per transaction, in order.</summary>
    public async Task<IReadOnlyList<SubmitResult>> SubmitAsync(IReadOnlyList<SignedTransaction> txs) =>
        await Grains.GetGrain<ITransactionGatewayGrain>(0).SubmitAsync(txs.Select(t => t.Encode()).ToList());

    /// <summary>Waits up to <paramref name="timeout"/> for the transaction's block, in waits shorter than an Orleans
    /// call's response timeout (30 s), so a transaction that never commits is a status, not a TimeoutException.</summary>
    public async Task<TransactionView> WaitAsync(Hash32 hash, TimeSpan timeout)
    {
        var grain = Grains.GetGrain<ITransactionGrain>(Key(hash));
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            TransactionView? view = null;
            try { view = await grain.WaitForCommitAsync(left < WaitStep ? left : WaitStep); }
            catch (TimeoutException) { } // the silo was slow to answer: ask again while time is left
            if (view?.Status == TxStatus.Committed) return view;
            if (DateTime.UtcNow >= deadline) return view ?? await grain.GetAsync();
        }
    }

    private static readonly TimeSpan WaitStep = TimeSpan.FromSeconds(10);

    /// <summary>Signs one transaction with the next nonce, submits it, waits for its block (unless --no-wait) and
    /// prints what happened.</summary>
    public async Task<TxOutcome> SendAsync(Signer signer, ITxBody body)
    {
        var nonce = await NextNonceAsync(signer);
        var signed = Sign(signer, nonce, body);
        var submitted = (await SubmitAsync([signed]))[0];
        TransactionView? view = null;
        if (submitted.Accepted)
        {
            Out.WriteLine($"submitted {signed.Hash} ({body.Kind} from {signer.Key.Address}, nonce {nonce})");
            if (!signer.NoWait) view = await WaitAsync(signed.Hash, signer.Wait);
        }
        var outcome = new TxOutcome(signed, submitted, view, !signer.NoWait);
        Out.WriteLine(outcome.Committed
            ? $"{outcome.Describe()}, gas fee {view!.Fee?.ToOpenString()} OPEN"
            : outcome.Describe());
        return outcome;
    }

    /// <summary>The event of <paramref name="kind"/> that transaction <paramref name="tx"/> caused, among the newest
    /// matching <paramref name="query"/>; null if it is not among them.</summary>
    public async Task<MarketEventMessage?> FindEventAsync(MarketEventQuery query, Hash32 tx) =>
        (await Query.QueryEventsAsync(query)).FirstOrDefault(e => e.TxHash == Key(tx));

    public void Field(string name, object? value) => Out.WriteLine($"{name,-16}{value}");

    public static string Open(Wei w) => $"{w.ToOpenString()} OPEN";

    public static string List<T>(IEnumerable<T> items) => string.Join(", ", items) is { Length: > 0 } s ? s : "(none)";
}
