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

    public void Field(string name, object? value) => Out.WriteLine($"{name.PadRight(PrintedField.NameWidth)}{value}");

    public static string Open(Wei w) => $"{w.ToOpenString()} OPEN";

    public static string List<T>(IEnumerable<T> items) => string.Join(", ", items) is { Length: > 0 } s ? s : "(none)";
}
