using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Keys;

namespace OpenLedger.Cli.Marketplace;

// What the client verbs share: the signing key, option parsing, and a session with the node (GraphQL over HTTP,
// through LedgerClient) that signs, submits, waits and prints outcomes. Each verb parses everything it needs before
// it connects, so a mistake on the command line (exit code 2) never touches the chain.

/// <summary>One verb's session with a node: its client, the chain's identity, and signing, submitting and waiting
/// for transactions with the outcome printed.</summary>
public sealed class MarketSession : IDisposable
{
    public LedgerClient Client { get; }
    public ChainSummary Chain { get; }
    public TextWriter Out { get; }

    private MarketSession(LedgerClient client, ChainSummary chain, TextWriter output) => (Client, Chain, Out) = (client, chain, output);

    /// <summary>Connects to the node the command line names (<see cref="NodeOptions"/>); with a <paramref name="signer"/>,
    /// first makes sure the node's chain accepts its key (a key derived from a dev seed signs only on that dev chain).
    /// <paramref name="asOperator"/> presents the operator token, for the calls that administer the node.</summary>
    public static async Task<MarketSession> ConnectAsync(Args args, TextWriter output, Signer? signer = null, bool asOperator = false)
    {
        var client = NodeOptions.Connect(args, asOperator);
        try
        {
            var chain = await client.GetChainIdentityAsync();
            if (signer is not null) SignerKeys.RequireAcceptedBy(signer.Signing, chain);
            return new MarketSession(client, chain, output);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Dispose() => Client.Dispose();

    /// <summary>The object, or a failure (exit code 1) that says no <paramref name="what"/> has this id.</summary>
    public static T Require<T>(T? found, Hash32 id, string what) where T : class => found ?? throw new CommandFailedException($"no {what} {id} on this chain");

    public async Task<ulong> NextNonceAsync(Signer signer) => signer.Nonce ?? await Client.NextNonceAsync(signer.Key.Address);

    public SignedTransaction Sign(Signer signer, ulong nonce, ITxBody body) => LedgerClient.Sign(Chain, signer.Key, nonce, body, signer.GasPrice);

    /// <summary>Signs one transaction with the next nonce, submits it, waits for its block (unless --no-wait) and
    /// prints what happened.</summary>
    public async Task<SendOutcome> SendAsync(Signer signer, ITxBody body)
    {
        var outcome = await Client.SendAsync(body, signer.Key, new SendOptions(signer.GasPrice, signer.Nonce, !signer.NoWait, signer.Wait,
            Accepted: t => Out.WriteLine($"submitted {t.Hash} ({body.Kind} from {signer.Key.Address}, nonce {t.Tx.Nonce})")));
        Out.WriteLine(outcome.Committed
            ? $"{outcome.Describe()}, gas fee {outcome.View!.Fee?.ToOpenString()} OPEN"
            : outcome.Describe());
        return outcome;
    }

    /// <summary>Signs <paramref name="bodies"/> with consecutive nonces from the signer's next, submits them in one
    /// gateway call, waits (unless --no-wait) for their blocks and returns one outcome per body, in order. Nothing is
    /// printed: each verb prints its own line per item.</summary>
    public async Task<IReadOnlyList<BatchOutcome>> SendBatchAsync(Signer signer, IReadOnlyList<ITxBody> bodies)
    {
        if (bodies.Count == 0) return [];
        var nonce = await NextNonceAsync(signer);
        var signed = bodies.Select((body, k) => Sign(signer, nonce + (ulong)k, body)).ToList();
        var submitted = await Client.SubmitAsync(signed);
        // A transaction refused at submission leaves a nonce gap: the ones signed after it wait in the mempool for
        // that nonce, so they are not waited for here.
        var firstRefused = Enumerable.Range(0, submitted.Count).FirstOrDefault(k => !submitted[k].Accepted, -1);
        var waitable = Enumerable.Range(0, signed.Count).Where(k => submitted[k].Accepted && !signer.NoWait && (firstRefused < 0 || k < firstRefused)).ToList();
        var views = new TransactionInfo?[signed.Count];
        if (waitable.Count > 0)
        {
            // Nonces commit in order, so the last one's block is the latest: wait for it, then each of the others is
            // read once instead of a hundred clients polling at once.
            var started = DateTime.UtcNow;
            var last = waitable[^1];
            views[last] = await Client.WaitForCommitAsync(signed[last].Hash, signer.Wait);
            var left = signer.Wait - (DateTime.UtcNow - started);
            var rest = await Task.WhenAll(waitable.SkipLast(1).Select(k => Client.WaitForCommitAsync(signed[k].Hash, left > TimeSpan.Zero ? left : TimeSpan.Zero)));
            for (int i = 0; i < rest.Length; i++) views[waitable[i]] = rest[i];
        }
        return signed.Select((t, k) =>
        {
            var waited = views[k] is not null;
            var problem = submitted[k].Accepted && !waited && !signer.NoWait ? $"pending: waits for nonce {nonce + (ulong)firstRefused}, which was refused" : null;
            return new BatchOutcome(new SendOutcome(t, submitted[k], views[k], waited), problem);
        }).ToList();
    }

    public void Field(string name, object? value) => Out.WriteLine($"{name.PadRight(PrintedField.NameWidth)}{value}");

    public static string Open(Wei w) => $"{w.ToOpenString()} OPEN";

    public static string List<T>(IEnumerable<T> items) => string.Join(", ", items) is { Length: > 0 } s ? s : "(none)";
}
