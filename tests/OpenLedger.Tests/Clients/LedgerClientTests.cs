using System.Diagnostics;
using System.Globalization;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Cli;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Clients;

/// <summary>LedgerClient against a real node: next nonce, sign, submit, wait; the ledger's refusals as stable codes in
/// the results; GraphQL errors as <see cref="GraphQLRequestException"/> with their code; no node as
/// <see cref="NodeUnreachableException"/> at once.</summary>
public sealed class LedgerClientTests(CliNodeFixture node, ITestOutputHelper log) : IClassFixture<CliNodeFixture>
{
    private LedgerClient Client(string? token = null) => new(new Uri(node.NodeUrl), token);
    private static Address Payee(string name) => PrivateKey.Derive("not the dev seed", name).Address;

    [Fact]
    public async Task SendAsync_takes_the_next_nonce_signs_submits_and_waits_for_the_block()
    {
        using var client = Client();
        var key = node.Chain.Keys[2];
        var before = await client.GetAccountAsync(key.Address);
        var outcome = (await client.SendAsync(new Transfer(Payee("send"), Wei.FromOpen(2)), key)).EnsureSucceeded();
        Assert.Equal(before.NextNonce, outcome.Signed.Tx.Nonce);
        Assert.Equal(TransactionStatus.Committed, outcome.View!.Status);
        Assert.Equal("Transfer", outcome.View.Kind);
        Assert.Equal(Wei.FromOpen(2), (await client.GetAccountAsync(Payee("send"))).Balance);
        var block = await client.GetBlockAsync(outcome.View.BlockHeight);
        Assert.Contains(outcome.Hash, block!.TransactionHashes);
        Assert.Equal(TransactionStatus.Unknown, (await client.GetTransactionAsync(Keccak256.Hash([9]))).Status);
    }

    [Fact]
    public async Task A_batch_submits_in_one_request_and_lists_longer_than_a_page_follow_the_cursor()
    {
        using var client = Client();
        var key = node.Chain.Keys[1];
        var chain = await client.GetChainIdentityAsync();
        var nonce = await client.NextNonceAsync(key.Address);
        const int count = LedgerClient.MaxPage + 20;
        var signed = Enumerable.Range(0, count)
            .Select(k => LedgerClient.Sign(chain, key, nonce + (ulong)k, new Transfer(Payee("batch"), Wei.FromOpen(1)))).ToList();
        var results = await client.SubmitAsync(signed);
        Assert.All(results, r => Assert.True(r.Accepted, r.ErrorCode));
        Assert.Equal(signed.Select(t => (Hash32?)t.Hash), results.Select(r => r.Hash));
        Assert.Equal(TransactionStatus.Committed, (await client.WaitForCommitAsync(signed[^1].Hash, TimeSpan.FromSeconds(30))).Status);

        var listed = await client.GetAccountTransactionsAsync(Payee("batch"), count + 50);
        Assert.Equal(count, listed.Count); // two pages, no duplicate at the seam
        Assert.Equal(signed.Select(t => t.Hash).ToHashSet(), listed.Select(t => t.Hash).ToHashSet());
        Assert.Equal(7, (await client.GetAccountTransactionsAsync(Payee("batch"), 7)).Count);
    }

    [Fact]
    public async Task A_reused_nonce_is_refused_with_NonceTooLow()
    {
        using var client = Client();
        var key = node.Chain.Keys[3];
        var first = (await client.SendAsync(new Transfer(Payee("nonce"), Wei.FromOpen(1)), key)).EnsureSucceeded();
        var again = await client.SendAsync(new Transfer(Payee("nonce"), Wei.FromOpen(1)), key, new SendOptions(Nonce: first.Signed.Tx.Nonce));
        Assert.False(again.Accepted);
        Assert.Equal("NonceTooLow", again.Error);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("NonceTooLow", Assert.Throws<TransactionFailedException>(() => again.EnsureSucceeded()).Code);
    }

    [Fact]
    public async Task A_transaction_signed_by_another_key_is_refused_with_SignerMismatch_and_a_broken_signature_with_BadSignature()
    {
        using var client = Client();
        var chain = await client.GetChainIdentityAsync();
        var from = node.Chain.Keys[4];
        var nonce = await client.NextNonceAsync(from.Address);
        var tx = new Transaction(chain.ChainId, from.Address, nonce, chain.GasPriceFloor, new Transfer(Payee("mismatch"), Wei.FromOpen(1)));

        var byAnother = tx.Sign(node.Chain.Keys[5]);
        Assert.Equal("SignerMismatch", (await client.SubmitAsync(byAnother)).ErrorCode);

        var good = tx.Sign(from);
        var broken = good with { Signature = good.Signature with { V = 0 } };
        var results = await client.SubmitAsync([broken, byAnother]);
        Assert.Equal(["BadSignature", "SignerMismatch"], results.Select(r => r.ErrorCode));
        Assert.All(results, r => Assert.False(r.Accepted));
        Assert.Equal(nonce, await client.NextNonceAsync(from.Address)); // nothing was admitted
    }

    [Fact]
    public async Task A_query_the_schema_does_not_have_is_GRAPHQL_VALIDATION_FAILED()
    {
        using var client = Client();
        var e = await Assert.ThrowsAsync<GraphQLRequestException>(() => client.QueryAsync("{ chain { noSuchField } }"));
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", e.Code);
        Assert.Contains("noSuchField", e.Detail);
    }

    [Fact]
    public async Task An_operator_mutation_without_the_token_is_OPERATOR_REQUIRED_and_with_it_reaches_the_model_factory()
    {
        using var anonymous = Client();
        var request = new TrainingRequest(Keccak256.Hash([3]));
        Assert.Equal("OPERATOR_REQUIRED", (await Assert.ThrowsAsync<GraphQLRequestException>(() => anonymous.StartTrainingJobAsync(request))).Code);

        using var wrongToken = Client(new string('a', 64));
        Assert.Equal("OPERATOR_REQUIRED", (await Assert.ThrowsAsync<GraphQLRequestException>(() => wrongToken.StartTrainingJobAsync(request))).Code);

        using var operatorClient = Client(await File.ReadAllTextAsync(Path.Combine(node.DataDirectory, "operator.token")));
        Assert.Equal("DatanetNotFound", (await Assert.ThrowsAsync<GraphQLRequestException>(() => operatorClient.StartTrainingJobAsync(request))).Code);
    }

    [Fact]
    public async Task No_node_at_the_url_is_NodeUnreachableException_naming_the_url_at_once()
    {
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}/graphql");
        using var client = new LedgerClient(url);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => client.GetChainAsync());
        log.WriteLine($"{e.Message} after {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Contains(url.ToString(), e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_url_that_is_not_a_graphql_endpoint_is_a_GraphQLRequestException_with_the_http_status()
    {
        using var client = new LedgerClient(new Uri($"http://127.0.0.1:{node.HttpPort.ToString(CultureInfo.InvariantCulture)}/no-such-page"));
        var e = await Assert.ThrowsAsync<GraphQLRequestException>(() => client.GetChainAsync());
        Assert.StartsWith("HTTP_", e.Code);
    }

    [Fact]
    public async Task WaitForCommitAsync_returns_the_pending_status_when_the_time_is_up()
    {
        using var client = Client();
        var key = node.Chain.Keys[5];
        // A nonce far ahead waits in the mempool behind the gap and never commits.
        var chain = await client.GetChainIdentityAsync();
        var gapped = LedgerClient.Sign(chain, key, await client.NextNonceAsync(key.Address) + 5, new Transfer(Payee("gap"), Wei.FromOpen(1)));
        Assert.True((await client.SubmitAsync(gapped)).Accepted);
        var clock = Stopwatch.StartNew();
        var view = await client.WaitForCommitAsync(gapped.Hash, TimeSpan.FromMilliseconds(700));
        Assert.Equal(TransactionStatus.Pending, view.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(5));
    }
}
