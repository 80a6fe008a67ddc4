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

namespace OpenLedger.Silo.Cli.Marketplace;

// What the marketplace verbs share: the signing key, option parsing, and a session with the node that signs,
// submits, waits and prints outcomes. Each verb parses everything it needs before it connects, so a mistake on the
// command line (exit code 2) never touches the chain.

/// <summary>The key a CLI verb signs with (it never leaves this process): <c>--key 0x..</c>, <c>--dev N</c> (dev
/// account N of the genesis), or <c>--operator serving|attribution</c> (the dev chain's operator keys, derived from
/// the dev seed like the producer's).</summary>
public static class SignerKeys
{
    public static PrivateKey Resolve(Args args, NodeSettings settings)
    {
        if (args.Get("key") is { } hex)
        {
            try { return PrivateKey.Parse(hex); }
            catch (Exception) { throw new UsageException("--key must be a 32-byte private key in 0x-hex"); }
        }
        if (args.Get("dev") is { } idx)
        {
            var dev = settings.LoadGenesis().DevAccounts ?? throw new UsageException("--dev needs a genesis with dev accounts");
            if (!int.TryParse(idx, out var i) || i < 0 || i >= dev.Count) throw new UsageException($"--dev must be 0..{dev.Count - 1}");
            return PrivateKey.Derive(dev.Seed, i.ToString(CultureInfo.InvariantCulture));
        }
        if (args.Has("operator"))
        {
            var role = args.Get("operator");
            var label = role switch
            {
                "serving" => GenesisCommand.ServingOperatorLabel,
                "attribution" => GenesisCommand.AttributionOperatorLabel,
                _ => throw new UsageException("--operator must be serving or attribution"),
            };
            var genesis = settings.LoadGenesis();
            var dev = genesis.DevAccounts ?? throw new UsageException("--operator needs a genesis with dev accounts (its operator keys derive from the dev seed); give --key otherwise");
            var key = PrivateKey.Derive(dev.Seed, label);
            var market = genesis.ToRules().Market;
            if (!(role == "serving" ? market.IsServingOperator(key.Address) : market.IsAttributionOperator(key.Address)))
                throw new UsageException($"the dev {role} operator key ({key.Address}) is not a {role} operator of this genesis; give --key");
            return key;
        }
        throw new UsageException("give the sender's key: --key HEX, --dev N or --operator serving|attribution");
    }
}

/// <summary>The signer of a verb and how it sends: key, optional gas price and nonce, and whether to wait for the block.</summary>
public sealed record Signer(PrivateKey Key, Wei? GasPrice, ulong? Nonce, bool NoWait)
{
    public static Signer From(Args args, NodeSettings settings)
    {
        Wei? gasPrice = null;
        if (args.Get("gas-price") is { } gp) gasPrice = Wei.TryParse(gp, out var w) ? w : throw new UsageException($"--gas-price '{gp}' is not an amount of wei");
        ulong? nonce = null;
        if (args.Get("nonce") is { } n) nonce = ulong.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new UsageException($"--nonce '{n}' is not a number");
        return new Signer(SignerKeys.Resolve(args, settings), gasPrice, nonce, args.Has("no-wait"));
    }
}

/// <summary>A verb that reached the node but could not do what it was asked (an unknown id, a failed upload): exit code 1.</summary>
public sealed class CommandFailedException(string message) : Exception(message);

/// <summary>Parsing of the marketplace verbs' options. Every mistake is a <see cref="UsageException"/> naming the option.</summary>
public static class Options
{
    public static string SubVerb(Args args, string verb, params string[] choices)
    {
        var sub = args.Positional.FirstOrDefault();
        if (sub is null || !choices.Contains(sub)) throw new UsageException($"usage: openledger {verb} {string.Join('|', choices)} [options]");
        return sub;
    }

    public static string Text(Args args, string name) =>
        args.Get(name) is { Length: > 0 } v ? v : throw new UsageException($"--{name} is required");

    public static Hash32 Id(Args args, string name, string what) =>
        args.Get(name) is { } v ? ParseHash(v, name, what) : throw new UsageException($"--{name} is required: the {what} (0x + 64 hex)");

    public static Hash32? OptionalId(Args args, string name, string what) => args.Get(name) is { } v ? ParseHash(v, name, what) : null;

    public static Hash32 ParseHash(string text, string name, string what) =>
        Hash32.TryParse(text.Trim(), out var h) ? h : throw new UsageException($"--{name} '{text}' is not {Article(what)} {what} id (0x + 64 hex)");

    public static Address? OptionalAddress(Args args, string name) =>
        args.Get(name) is { } v ? Core.Crypto.Address.TryParse(v, out var a) ? a : throw new UsageException($"--{name} '{v}' is not an address (0x + 40 hex)") : null;

    public static Address RequiredAddress(Args args, string name) =>
        OptionalAddress(args, name) ?? throw new UsageException($"--{name} is required: an address (0x + 40 hex)");

    /// <summary>A comma-separated list; empty entries are dropped, so <c>--tags ""</c> clears a list.</summary>
    public static string[] List(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public static Address[] Addresses(string text, string name) =>
        List(text).Select(a => Core.Crypto.Address.TryParse(a, out var x) ? x : throw new UsageException($"--{name}: '{a}' is not an address (0x + 40 hex)")).ToArray();

    public static Hash32[] Hashes(string text, string name, string what) => List(text).Select(h => ParseHash(h, name, what)).ToArray();

    public static Wei? OptionalOpen(Args args, string name) =>
        args.Get(name) is { } v ? Wei.TryParseOpen(v, out var w) ? w : throw new UsageException($"--{name} '{v}' is not an amount of OPEN such as 12.5") : null;

    public static Wei Open(Args args, string name) =>
        OptionalOpen(args, name) ?? throw new UsageException($"--{name} is required: an amount of OPEN such as 12.5");

    public static ushort Bps(Args args, string name, ushort fallback) =>
        args.Get(name) is not { } v ? fallback
        : ushort.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b <= 10_000 ? b
        : throw new UsageException($"--{name} '{v}' is not basis points (0..10000)");

    public static T Choice<T>(Args args, string name, T fallback, params (string Name, T Value)[] choices)
    {
        if (args.Get(name) is not { } v) return args.Has(name) ? throw new UsageException($"--{name} needs a value: {string.Join('|', choices.Select(c => c.Name))}") : fallback;
        foreach (var c in choices) if (c.Name == v) return c.Value;
        throw new UsageException($"--{name} must be one of {string.Join('|', choices.Select(c => c.Name))}, not '{v}'");
    }

    /// <summary>Builds a transaction body through the kind's own constructor, so the field limits the node would apply
    /// (lengths, counts, duplicates) are usage errors here.</summary>
    public static T Body<T>(TxBodies.Factory create, params object[] values) where T : class, ITxBody
    {
        var e = create(values, out var body);
        return e.IsError ? throw new UsageException(e.Message) : (T)body!;
    }

    private static string Article(string what) => "aeiou".Contains(what[0]) ? "an" : "a";
}

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
        : !Committed ? $"not committed after {MarketSession.CommitTimeout.TotalSeconds:0} s (status {View?.Status})"
        : $"committed in block {View!.BlockHeight}: {(Succeeded ? "success" : "failed " + View.ErrorCode)}";
}

/// <summary>One verb's connection to a node: the chain's identity, reads of the marketplace, and signing, submitting
/// and waiting for transactions.</summary>
public sealed class MarketSession : IAsyncDisposable
{
    public static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;
    public IClusterClient Grains { get; }
    public ChainInfo Chain { get; }
    public TextWriter Out { get; }

    private MarketSession(IHost host, IClusterClient grains, ChainInfo chain, TextWriter output) =>
        (_host, Grains, Chain, Out) = (host, grains, chain, output);

    public static async Task<MarketSession> ConnectAsync(NodeSettings settings, TextWriter output)
    {
        var host = await NodeClient.ConnectAsync(settings);
        try
        {
            var grains = host.Services.GetRequiredService<IClusterClient>();
            return new MarketSession(host, grains, await grains.GetGrain<IChainGrain>(0).GetInfoAsync(), output);
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

    public Task<TransactionView> WaitAsync(Hash32 hash) => Grains.GetGrain<ITransactionGrain>(Key(hash)).WaitForCommitAsync(CommitTimeout);

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
            if (!signer.NoWait) view = await WaitAsync(signed.Hash);
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
