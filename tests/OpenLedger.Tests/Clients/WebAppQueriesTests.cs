using System.Numerics;
using System.Text;
using System.Text.Json;
using OpenLedger.Client;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using Xunit.Abstractions;

namespace OpenLedger.Tests.Clients;

/// <summary>What the web app's pages ask the node instead of computing themselves, through the public GraphQL API of a
/// real node holding a marketplace story (<see cref="AttributionViewsFixture"/>: a datanet, three models, four paid
/// inferences, three of them settled): search, the chain's activity, an account's rewards over time with names for its
/// totals, a model's revenue over time, the cost of a contribution before signing and a datanet's curation queue; and
/// the bad input each refuses with a stable code.</summary>
public sealed class WebAppQueriesTests(AttributionViewsFixture f, ITestOutputHelper log) : IClassFixture<AttributionViewsFixture>
{
    private const int Day = 86_400;

    [Fact]
    public async Task Search_says_what_a_height_hash_or_address_names()
    {
        // A datanet's id is the hash of the transaction that created it: both match, the datanet first.
        var datanet = await Search(f.Datanet.ToString());
        Assert.Equal(["DATANET", "TRANSACTION"], Kinds(datanet));
        Assert.Equal("lexnames", datanet[0].GetProperty("datanet").GetProperty("name").GetString());
        Assert.Equal(f.Datanet.ToString(), datanet[1].GetProperty("transaction").GetProperty("hash").GetString());
        Assert.All(datanet, m => Assert.Equal(f.Datanet.ToString(), m.GetProperty("key").GetString()));

        // Without 0x and in upper case, the same; and each kind of marketplace object is found by its id.
        Assert.Equal(["CONTRIBUTION", "TRANSACTION"], Kinds(await Search(f.Contributions[0].ToString()[2..].ToUpperInvariant())));
        Assert.Equal(["MODEL", "TRANSACTION"], Kinds(await Search(f.IndexedModel.ToString())));
        Assert.Equal(["INFERENCE", "TRANSACTION"], Kinds(await Search(f.Attributed.ToString())));
        // A version's id is keccak256(datanet || number), no transaction's hash.
        var version = Assert.Single(await Search(f.Version.ToString()));
        Assert.Equal(("DATANET_VERSION", 1), (version.GetProperty("kind").GetString(), version.GetProperty("datanetVersion").GetProperty("number").GetInt32()));

        // A block by height (with or without '#') and by hash.
        var height = (await f.Client.GetTransactionAsync(f.Datanet)).BlockHeight!.Value;
        var byHeight = Assert.Single(await Search(height.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(("BLOCK", height), (byHeight.GetProperty("kind").GetString(), byHeight.GetProperty("block").GetProperty("height").GetInt64()));
        var hash = byHeight.GetProperty("block").GetProperty("hash").GetString()!;
        Assert.Equal(height, Assert.Single(await Search("#" + height)).GetProperty("block").GetProperty("height").GetInt64());
        var byHash = Assert.Single(await Search(hash));
        Assert.Equal(("BLOCK", height, hash), (byHash.GetProperty("kind").GetString(), byHash.GetProperty("block").GetProperty("height").GetInt64(), byHash.GetProperty("key").GetString()));

        // Any address is an account (EIP-55 out, any case in).
        var dev1 = f.Node.Chain.Keys[1].Address.ToString();
        var account = Assert.Single(await Search(dev1.ToLowerInvariant()));
        Assert.Equal(("ACCOUNT", dev1, dev1), (account.GetProperty("kind").GetString(), account.GetProperty("key").GetString(),
            account.GetProperty("account").GetProperty("address").GetString()));
        Assert.NotEqual("0", account.GetProperty("account").GetProperty("balance").GetString());

        // Well-formed but unknown: no match, no error.
        Assert.Empty(await Search(Keccak256.Hash("nothing has this hash").ToString()));
        Assert.Empty(await Search("999999999"));

        // Text that names nothing searchable gets INVALID_SEARCH.
        // The address with one letter's case flipped: still mixed case, no longer its EIP-55 checksum.
        var letter = dev1.IndexOfAny("abcdefABCDEF".ToCharArray(), 2);
        var badChecksum = dev1[..letter] + (char.IsUpper(dev1[letter]) ? char.ToLowerInvariant(dev1[letter]) : char.ToUpperInvariant(dev1[letter])) + dev1[(letter + 1)..];
        foreach (var text in new[] { "", "   ", "dog", "0x1234", "12345678901234567890", "#", new string('1', 101), badChecksum })
        {
            var e = await Assert.ThrowsAsync<GraphQLRequestException>(() => Search(text));
            log.WriteLine($"'{text}': {e.Message}");
            Assert.Equal("INVALID_SEARCH", e.Code);
        }
    }

    [Fact]
    public async Task Chain_activity_counts_every_committed_block_and_transaction_of_its_window()
    {
        var a = (await f.Client.QueryAsync("{ chainActivity(bucketSeconds: 86400, buckets: 2) { bucketSeconds from to complete fromHeight toHeight " +
                                           "blockCount transactionCount blocksPerSecond transactionsPerSecond buckets { start end blocks transactions } } }"))
            .GetProperty("chainActivity");
        log.WriteLine(a.ToString());
        Assert.True(a.GetProperty("complete").GetBoolean());
        var buckets = a.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(2, buckets.Count);
        // Buckets are whole UTC days: edges at multiples of the bucket size, the last one holding now.
        var start = buckets[0].GetProperty("start").GetDateTime();
        Assert.Equal(start, a.GetProperty("from").GetDateTime());
        Assert.Equal(TimeSpan.Zero, start.TimeOfDay);
        Assert.Equal(start.AddDays(1), buckets[1].GetProperty("start").GetDateTime());
        Assert.Equal(start.AddDays(2), a.GetProperty("to").GetDateTime());
        Assert.True(a.GetProperty("to").GetDateTime() > DateTime.UtcNow);

        // The counts are the blocks' own: every block in fromHeight..toHeight (the genesis is stamped long ago) and their
        // transactions, which the story's 20-odd transactions are among.
        var (from, to) = (a.GetProperty("fromHeight").GetInt64(), a.GetProperty("toHeight").GetInt64());
        Assert.Equal(1, from);
        var counts = await TransactionCountsAsync(from, to);
        Assert.Equal(to - from + 1, a.GetProperty("blockCount").GetInt32());
        Assert.Equal(counts.Sum(), a.GetProperty("transactionCount").GetInt64());
        Assert.True(counts.Sum() >= 20, $"{counts.Sum()} transactions");
        Assert.Equal(a.GetProperty("blockCount").GetInt32(), buckets.Sum(b => b.GetProperty("blocks").GetInt32()));
        Assert.Equal(counts.Sum(), buckets.Sum(b => b.GetProperty("transactions").GetInt64()));
        Assert.True(a.GetProperty("transactionsPerSecond").GetDouble() > 0);

        // Seconds: as many buckets as asked for, one second each, in order.
        var seconds = (await f.Client.QueryAsync("{ chainActivity(bucketSeconds: 1, buckets: 120) { buckets { start end blocksPerSecond } } }"))
            .GetProperty("chainActivity").GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(120, seconds.Count);
        Assert.All(seconds, b => Assert.Equal(TimeSpan.FromSeconds(1), b.GetProperty("end").GetDateTime() - b.GetProperty("start").GetDateTime()));
        Assert.All(seconds.Zip(seconds.Skip(1)), p => Assert.Equal(p.First.GetProperty("end").GetDateTime(), p.Second.GetProperty("start").GetDateTime()));

        foreach (var args in new[] { "bucketSeconds: 0", "bucketSeconds: 2678401", "buckets: 0", "buckets: 201", "bucketSeconds: -5" })
        {
            var e = await Assert.ThrowsAsync<GraphQLRequestException>(() => f.Client.QueryAsync($"{{ chainActivity({args}) {{ blockCount }} }}"));
            Assert.Equal("INVALID_SERIES", e.Code);
        }
    }

    [Fact]
    public async Task Reward_series_adds_up_to_the_account_totals_exactly_and_names_their_datanets_and_models()
    {
        // Dev 1 was paid for contribution 0 by the attributed settlement and by the one whose record is missing.
        var payouts = FeeSplit.Split(FeeSplit.Split(AttributionViewsFixture.Price, [1000, 2000, 7000])[2], f.Weights);
        var all = FeeSplit.Split(AttributionViewsFixture.Price, [1000, 2000, 7000])[2];
        var expected = payouts[0] + all;
        var account = await Account(f.Node.Chain.Keys[1].Address, "bucketSeconds: 86400, buckets: 3");
        var s = account.GetProperty("rewardSeries");
        log.WriteLine(s.ToString());
        Assert.True(s.GetProperty("complete").GetBoolean());
        Assert.Equal(expected.ToString(), s.GetProperty("total").GetString());
        Assert.Equal(account.GetProperty("rewards").GetProperty("total").GetString(), s.GetProperty("total").GetString());
        var buckets = s.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(3, buckets.Count);
        // Every credit is in the window: the amounts sum to the total, the cumulative values run from 0 to it.
        Assert.Equal(BigInteger.Parse(expected.ToString()), buckets.Aggregate(BigInteger.Zero, (sum, b) => sum + W(b, "amount")));
        Assert.Equal(2, buckets.Sum(b => b.GetProperty("count").GetInt64()));
        Assert.Equal(BigInteger.Zero, W(buckets[0], "cumulative") - W(buckets[0], "amount"));
        for (var i = 1; i < buckets.Count; i++) Assert.Equal(W(buckets[i - 1], "cumulative") + W(buckets[i], "amount"), W(buckets[i], "cumulative"));
        Assert.Equal(expected.ToString(), buckets[^1].GetProperty("cumulative").GetString());
        Assert.Equal(expected.ToOpenString(), buckets[^1].GetProperty("cumulativeOpen").GetString());

        // A window with no credits in it: nothing per bucket, and the cumulative total is still the account's.
        var quiet = (await Account(f.Node.Chain.Keys[1].Address, "bucketSeconds: 1, buckets: 1")).GetProperty("rewardSeries").GetProperty("buckets")[0];
        Assert.Equal(("0", expected.ToString()), (quiet.GetProperty("amount").GetString(), quiet.GetProperty("cumulative").GetString()));

        // The totals by datanet and model carry the objects, so a page shows their names.
        var totals = account.GetProperty("rewards");
        Assert.Equal("lexnames", totals.GetProperty("byDatanet")[0].GetProperty("datanet").GetProperty("name").GetString());
        Assert.Equal("lexname-lora", totals.GetProperty("byModel")[0].GetProperty("model").GetProperty("name").GetString());
        var role = totals.GetProperty("byRole")[0];
        Assert.Equal(("contributor", JsonValueKind.Null, JsonValueKind.Null), (role.GetProperty("scope").GetString(), role.GetProperty("datanet").ValueKind, role.GetProperty("model").ValueKind));

        // An account nobody paid: zeros.
        var nobody = (await Account(Address.Parse(Keccak256.Hash("nobody").ToString()[..42]), "buckets: 2")).GetProperty("rewardSeries");
        Assert.Equal("0", nobody.GetProperty("total").GetString());
        Assert.All(nobody.GetProperty("buckets").EnumerateArray(), b => Assert.Equal("0", b.GetProperty("cumulative").GetString()));

        var e = await Assert.ThrowsAsync<GraphQLRequestException>(() => Account(f.Node.Chain.Keys[1].Address, "buckets: 500"));
        Assert.Equal("INVALID_SERIES", e.Code);
    }

    [Fact]
    public async Task Model_revenue_series_counts_its_requests_and_settlements_and_sums_the_escrow_they_split()
    {
        const string Series = "revenueSeries(bucketSeconds: 86400, buckets: 3) { complete revenue revenueOpen buckets { start requested settled expired revenue } }";
        var m = (await f.Client.QueryAsync($"query($id: Hash!) {{ model(id: $id) {{ {Series} }} }}", new { id = f.IndexedModel.ToString() }))
            .GetProperty("model").GetProperty("revenueSeries");
        log.WriteLine(m.ToString());
        Assert.True(m.GetProperty("complete").GetBoolean());
        var buckets = m.GetProperty("buckets").EnumerateArray().ToList();
        // Four inferences requested, three settled (one left unsettled), each escrowing the price.
        Assert.Equal((4L, 3L, 0L), (buckets.Sum(b => b.GetProperty("requested").GetInt64()), buckets.Sum(b => b.GetProperty("settled").GetInt64()),
            buckets.Sum(b => b.GetProperty("expired").GetInt64())));
        var revenue = AttributionViewsFixture.Price + AttributionViewsFixture.Price + AttributionViewsFixture.Price;
        Assert.Equal(revenue.ToString(), m.GetProperty("revenue").GetString());
        Assert.Equal("3", m.GetProperty("revenueOpen").GetString());
        Assert.Equal(BigInteger.Parse(revenue.ToString()), buckets.Aggregate(BigInteger.Zero, (sum, b) => sum + W(b, "revenue")));

        // A model nobody called: zeros.
        var idle = (await f.Client.QueryAsync($"query($id: Hash!) {{ model(id: $id) {{ {Series} }} }}", new { id = f.UnindexedModel.ToString() }))
            .GetProperty("model").GetProperty("revenueSeries");
        Assert.Equal("0", idle.GetProperty("revenue").GetString());
        Assert.All(idle.GetProperty("buckets").EnumerateArray(), b => Assert.Equal(0, b.GetProperty("requested").GetInt64()));
    }

    [Fact]
    public async Task A_contributions_cost_shows_before_signing_and_the_curation_queue_lists_pending_ones_oldest_first()
    {
        var (owner, contributor) = (f.Node.Chain.Keys[0], f.Node.Chain.Keys[5]);
        var datanet = await Commit(owner, new CreateDatanet("queue", "a curation queue", [], "MIT", TaskKind.Text, new Wei(3), new Wei(10), ForfeitRule.Owner, []));

        // ceil(1025 / 1024) = 2 KiB at 3 wei, plus the 10-wei stake.
        var cost = (await f.Client.QueryAsync("query($id: Hash!) { datanet(id: $id) { contributionCost(size: 1025) { size fee stake total totalOpen } } }",
            new { id = datanet.ToString() })).GetProperty("datanet").GetProperty("contributionCost");
        Assert.Equal((1025L, "6", "10", "16"), (cost.GetProperty("size").GetInt64(), cost.GetProperty("fee").GetString(), cost.GetProperty("stake").GetString(),
            cost.GetProperty("total").GetString()));

        // The upload for a datanet says the same, for its size.
        var text = "The curation queue lists what waits for a curator, the oldest first.";
        var upload = (await f.Client.QueryAsync("mutation($t: String!, $d: Hash!) { uploadContent(text: $t, datanet: $d) { size cost { fee stake total } } }",
            new { t = text, d = datanet.ToString() })).GetProperty("uploadContent");
        Assert.Equal((Encoding.UTF8.GetByteCount(text), "3", "10", "13"), (upload.GetProperty("size").GetInt32(), upload.GetProperty("cost").GetProperty("fee").GetString(),
            upload.GetProperty("cost").GetProperty("stake").GetString(), upload.GetProperty("cost").GetProperty("total").GetString()));
        var noDatanet = (await f.Client.QueryAsync("mutation { uploadContent(text: \"no datanet named\") { cost { total } } }")).GetProperty("uploadContent");
        Assert.Equal(JsonValueKind.Null, noDatanet.GetProperty("cost").ValueKind);

        // Three pending contributions: the queue pages them oldest first.
        var pending = new List<Hash32>();
        foreach (var t in new[] { text, "A second text waiting for curation.", "A third text, the newest in the queue." })
        {
            var stored = await f.Client.UploadAsync(Encoding.UTF8.GetBytes(t));
            pending.Add(await Commit(contributor, new Contribute(datanet, stored.Hash, stored.NormalizedHash, (ulong)stored.Size)));
        }
        const string Queue = "query($id: Hash!, $after: String) { datanet(id: $id) { curationQueue(first: 2, after: $after) { totalCount " +
                             "nodes { id status deadlineHeight nearDuplicates { contributionId } } pageInfo { hasNextPage endCursor } } } }";
        var page1 = (await f.Client.QueryAsync(Queue, new { id = datanet.ToString(), after = (string?)null })).GetProperty("datanet").GetProperty("curationQueue");
        Assert.Equal(3, page1.GetProperty("totalCount").GetInt32());
        Assert.Equal(pending.Take(2).Select(p => p.ToString()), page1.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.All(page1.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("PENDING", n.GetProperty("status").GetString()));
        Assert.True(page1.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        var page2 = (await f.Client.QueryAsync(Queue, new { id = datanet.ToString(), after = page1.GetProperty("pageInfo").GetProperty("endCursor").GetString() }))
            .GetProperty("datanet").GetProperty("curationQueue");
        Assert.Equal([pending[2].ToString()], page2.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.False(page2.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        // Curated ones leave the queue (and curating them all lets the chain stop sealing empty blocks for their deadlines).
        await Commit(owner, new Curate(pending[0], true, "clear"));
        var after = (await f.Client.QueryAsync(Queue, new { id = datanet.ToString(), after = (string?)null })).GetProperty("datanet").GetProperty("curationQueue");
        Assert.Equal(pending.Skip(1).Select(p => p.ToString()), after.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        await Commit(owner, new Curate(pending[1], true, "clear"));
        await Commit(owner, new Curate(pending[2], false, "off topic"));

        // Bad sizes: below 1 byte, and one whose fee overflows 128 bits (the widest amount) on a datanet charging 10^30 wei a KiB.
        var e = await Assert.ThrowsAsync<GraphQLRequestException>(() => f.Client.QueryAsync(
            "query($id: Hash!) { datanet(id: $id) { contributionCost(size: 0) { fee } } }", new { id = datanet.ToString() }));
        Assert.Equal("BAD_ARGUMENTS", e.Code);
        var dear = await Commit(owner, new CreateDatanet("dear", "", [], "MIT", TaskKind.Text, Wei.Parse("1" + new string('0', 30)), Wei.Zero, ForfeitRule.Owner, []));
        var overflow = await Assert.ThrowsAsync<GraphQLRequestException>(() => f.Client.QueryAsync(
            "query($id: Hash!) { datanet(id: $id) { contributionCost(size: 9223372036854775807) { fee } } }", new { id = dear.ToString() }));
        Assert.Equal("AmountOverflow", overflow.Code);
    }

    [Fact]
    public async Task The_series_keep_the_cost_limit_a_page_of_them_is_refused_before_it_runs()
    {
        // One series is cheap; a page of 100 models each with a 200-bucket series is not.
        await f.Client.QueryAsync("{ chainActivity(buckets: 200) { buckets { start blocks transactions } } }");
        var e = await Assert.ThrowsAsync<GraphQLRequestException>(() => f.Client.QueryAsync(
            "{ models(first: 100) { nodes { revenueSeries(buckets: 200) { buckets { start end requested settled expired revenue revenueOpen } } } } }"));
        Assert.Equal("MAX_COMPLEXITY_EXCEEDED", e.Code);
    }

    [Fact]
    public async Task A_dev_chain_names_the_public_seed_its_dev_accounts_derive_from()
    {
        var d = (await f.Client.QueryAsync("{ chain { dev devAccounts { seed count derivation } } }")).GetProperty("chain");
        Assert.True(d.GetProperty("dev").GetBoolean());
        var dev = d.GetProperty("devAccounts");
        Assert.Equal((f.Node.Chain.Seed, f.Node.Chain.Keys.Count), (dev.GetProperty("seed").GetString(), dev.GetProperty("count").GetInt32()));
        Assert.Contains("keccak256(utf8(seed + \"/\" + i))", dev.GetProperty("derivation").GetString());
        // Deriving as it says gives the funded keys.
        var seed = dev.GetProperty("seed").GetString()!;
        Assert.Equal(f.Node.Chain.Keys.Select(k => k.Address),
            Enumerable.Range(0, dev.GetProperty("count").GetInt32()).Select(i => new PrivateKey(Keccak256.Hash(Encoding.UTF8.GetBytes($"{seed}/{i}")).AsSpan()).Address));
    }

    [Fact]
    public async Task The_chain_names_its_contribution_size_limit()
    {
        // The web app refuses a bigger file before reading or sending it; the node refuses one anyway with
        // ContributionTooLarge (GraphQLMarketplaceTests' "oversized upload").
        var max = (await f.Client.QueryAsync("{ chain { maxContributionBytes } }")).GetProperty("chain").GetProperty("maxContributionBytes").GetInt64();
        Assert.Equal((long)f.Node.Chain.Rules.Market.MaxContributionBytes, max);
    }

    private async Task<List<JsonElement>> Search(string text) =>
        (await f.Client.QueryAsync("query($t: String!) { search(text: $t) { kind key block { height hash } transaction { hash } account { address balance } " +
                                   "datanet { name } contribution { id } datanetVersion { number } model { name } inference { id } } }", new { t = text }))
        .GetProperty("search").EnumerateArray().ToList();

    private static List<string?> Kinds(List<JsonElement> matches) => matches.Select(m => m.GetProperty("kind").GetString()).ToList();

    private async Task<JsonElement> Account(Address address, string seriesArguments) =>
        (await f.Client.QueryAsync($"query($a: Address!) {{ account(address: $a) {{ rewards {{ total byRole {{ scope datanet {{ name }} model {{ name }} }} " +
                                   "byDatanet { scope datanet { name } } byModel { scope model { name } } } " +
                                   $"rewardSeries({seriesArguments}) {{ complete total asOfHeight buckets {{ start amount count cumulative cumulativeOpen }} }} }} }}",
            new { a = address.ToString() })).GetProperty("account");

    /// <summary>The transaction counts of blocks from..to, read a page of the blocks list at a time.</summary>
    private async Task<List<long>> TransactionCountsAsync(long from, long to)
    {
        var counts = new List<long>();
        string? after = null;
        while (true)
        {
            var page = (await f.Client.QueryAsync("query($after: String) { blocks(first: 100, after: $after) { nodes { height transactionCount } pageInfo { endCursor hasNextPage } } }",
                new { after })).GetProperty("blocks");
            foreach (var b in page.GetProperty("nodes").EnumerateArray())
                if (b.GetProperty("height").GetInt64() is var h && h >= from && h <= to) counts.Add(b.GetProperty("transactionCount").GetInt64());
            if (!page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean()) return counts;
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
    }

    private static BigInteger W(JsonElement e, string name) => BigInteger.Parse(e.GetProperty(name).GetString()!);

    private async Task<Hash32> Commit(PrivateKey key, ITxBody body) => (await f.Client.SendAsync(body, key)).EnsureSucceeded().Hash;
}
