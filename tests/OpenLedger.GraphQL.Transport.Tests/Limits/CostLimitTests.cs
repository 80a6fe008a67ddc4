using System.Diagnostics;
using System.Net;
using System.Text;
using OpenLedger.GraphQL.Transport.Tests.Hosting;
using OpenLedger.GraphQL.Transport.Tests.Http;
using Xunit.Abstractions;

namespace OpenLedger.GraphQL.Transport.Tests.Limits;

/// <summary>
/// The cost analyzer as a client meets it: page arguments checked before costing, costs that follow the real list
/// bounds and declared field costs, and documents whose cost GraphQL.NET's own analyzer took seconds (or exponential
/// time) to compute, refused in milliseconds.
/// </summary>
public sealed class CostLimitTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Uri _uri = fixture.Server.HttpUri;

    // Without the page check this document costs a large negative number, and the expensive part rides along.
    private const string Expensive = "deep { children { children { children { children { level } } } } }";

    [Fact]
    public async Task Negative_first_is_refused_before_costing()
    {
        var alone = await Client.PostAsync(_uri, GraphQLRequests.Body("{ page(first: -1) { nodes { level } } }"));
        Assert.Equal(HttpStatusCode.BadRequest, alone.Status);
        Assert.Equal(["INVALID_PAGE_SIZE"], alone.ErrorCodes);

        var riding = await Client.PostAsync(_uri, GraphQLRequests.Body($"{{ neg: page(first: -100000000) {{ nodes {{ level }} }} {Expensive} }}"));
        Assert.Equal(HttpStatusCode.BadRequest, riding.Status);
        Assert.Equal(["INVALID_PAGE_SIZE"], riding.ErrorCodes);
        Assert.False(riding.HasData);

        var last = await Client.PostAsync(_uri, GraphQLRequests.Body("{ page(last: -5) { count } }"));
        Assert.Equal(["INVALID_PAGE_SIZE"], last.ErrorCodes);
    }

    [Fact]
    public async Task First_above_the_page_maximum_is_refused_and_the_maximum_is_served()
    {
        var over = await Client.PostAsync(_uri, GraphQLRequests.Body("{ page(first: 101) { count } }"));
        Assert.Equal(["INVALID_PAGE_SIZE"], over.ErrorCodes);
        var huge = await Client.PostAsync(_uri, GraphQLRequests.Body("{ page(first: 2147483647) { count } }"));
        Assert.Equal(["INVALID_PAGE_SIZE"], huge.ErrorCodes);

        var max = await Client.PostAsync(_uri, GraphQLRequests.Body("{ page(first: 100) { count nodes { level } } }"));
        Assert.Equal(HttpStatusCode.OK, max.Status);
        Assert.Equal(100, max.Data.GetProperty("page").GetProperty("nodes").GetArrayLength());
        var zero = await Client.PostAsync(_uri, GraphQLRequests.Body("{ page(first: 0) { count } }"));
        Assert.Equal(HttpStatusCode.OK, zero.Status);
    }

    [Fact]
    public async Task Page_size_given_by_a_variable_is_checked_too()
    {
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body("query($n: Int) { page(first: $n) { count } }", new { n = -3 }));
        Assert.Equal(["INVALID_PAGE_SIZE"], response.ErrorCodes);
        var ok = await Client.PostAsync(_uri, GraphQLRequests.Body("query($n: Int) { page(first: $n) { count } }", new { n = 3 }));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
    }

    [Theory]
    // page 1 + count 1 + nodes 1 + 7 items x level 1
    [InlineData("{ page(first: 7) { count nodes { level } } }", 10)]
    // no first: the default page of 20
    [InlineData("{ page { nodes { level } } }", 22)]
    // a declared list: deep 1 + pair 1 + 2 x (level 1 + pair 1 + 2 x level 1)
    [InlineData("{ deep { pair { level pair { level } } } }", 10)]
    // an undeclared list: the default list size, 100
    [InlineData("{ deep { children { level } } }", 102)]
    // a field with a declared cost
    [InlineData("{ blob(kb: 1) }", 100)]
    // each spread of a fragment counts; the fragment is costed once
    [InlineData("{ deep { ...F ...F } } fragment F on Deep { pair { level } }", 7)]
    // introspection: 1 per field, lists included
    [InlineData("{ __schema { types { name fields { name } } } }", 5)]
    public async Task Cost_follows_page_sizes_declared_list_sizes_and_declared_costs(string query, int cost)
    {
        await using var exact = await GraphQLTestServer.StartAsync(limits =>
        {
            GraphQLTestServer.TestLimits(limits);
            limits.MaxComplexity = cost - 1;
            limits.ExecutionTimeout = TimeSpan.FromSeconds(30);
        });
        var refused = await Client.PostAsync(exact.HttpUri, GraphQLRequests.Body(query));
        Assert.Equal(["MAX_COMPLEXITY_EXCEEDED"], refused.ErrorCodes);
        Assert.StartsWith($"Query complexity {cost} exceeds", refused.Errors.Single().GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(24)]
    [InlineData(26)]
    public async Task Fragments_that_each_spread_the_next_twice_are_refused_in_milliseconds(int fragments)
    {
        var document = DoublingChain(fragments);
        Assert.True(document.Length < 1200, $"{document.Length} bytes");
        var stopwatch = Stopwatch.StartNew();
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body(document));
        stopwatch.Stop();
        output.WriteLine($"{fragments} fragments ({document.Length} bytes): {response.ErrorCodes.Single()} in {stopwatch.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(["MAX_COMPLEXITY_EXCEEDED"], response.ErrorCodes);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task A_chain_of_twenty_thousand_fragments_is_refused_without_exhausting_the_stack()
    {
        await using var server = await GraphQLTestServer.StartAsync(limits =>
        {
            GraphQLTestServer.TestLimits(limits);
            limits.MaxSelections = null; // so the chain reaches the nesting check
            limits.ExecutionTimeout = TimeSpan.FromSeconds(30);
        });
        var document = new StringBuilder("{ ...F0 }");
        for (var i = 0; i < 20_000; i++) document.Append($" fragment F{i} on Query {{ ...F{i + 1} }}");
        document.Append(" fragment F20000 on Query { hello }");
        var stopwatch = Stopwatch.StartNew();
        var response = await Client.PostAsync(server.HttpUri, GraphQLRequests.Body(document.ToString()));
        output.WriteLine($"{document.Length} bytes: {string.Join(",", response.ErrorCodes)} in {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(["MAX_DEPTH_EXCEEDED"], response.ErrorCodes);
        // Still alive, and still serving.
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(server.HttpUri, GraphQLRequests.Body("{ hello }"))).Status);
    }

    [Fact]
    public async Task A_short_fragment_chain_nesting_past_one_hundred_levels_is_refused_by_its_depth()
    {
        var document = new StringBuilder("{ ...F0 }");
        for (var i = 0; i < 150; i++) document.Append($" fragment F{i} on Query {{ ...F{i + 1} }}");
        document.Append(" fragment F150 on Query { hello }");
        var response = await Client.PostAsync(_uri, GraphQLRequests.Body(document.ToString()));
        Assert.Equal(["MAX_DEPTH_EXCEEDED"], response.ErrorCodes);
    }

    [Fact]
    public async Task Too_many_selections_aliases_or_root_fields_are_refused_with_their_codes()
    {
        var selections = "{ deep { " + string.Join(" ", Enumerable.Repeat("level", 1001)) + " } }";
        Assert.Equal(["MAX_SELECTIONS_EXCEEDED"], (await Client.PostAsync(_uri, GraphQLRequests.Body(selections))).ErrorCodes);

        var aliases = "{ deep { " + string.Join(" ", Enumerable.Range(0, 51).Select(i => $"a{i}: level")) + " } }";
        Assert.Equal(["MAX_ALIASES_EXCEEDED"], (await Client.PostAsync(_uri, GraphQLRequests.Body(aliases))).ErrorCodes);
        var fiftyAliases = "{ deep { " + string.Join(" ", Enumerable.Range(0, 50).Select(i => $"a{i}: level")) + " } }";
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(_uri, GraphQLRequests.Body(fiftyAliases))).Status);

        // Root fields counted through fragments, as execution collects them.
        var roots = "{ ...R h0: hello } fragment R on Query { " + string.Join(" ", Enumerable.Range(1, 20).Select(i => $"h{i}: hello")) + " }";
        Assert.Equal(["MAX_ROOT_FIELDS_EXCEEDED"], (await Client.PostAsync(_uri, GraphQLRequests.Body(roots))).ErrorCodes);
        var twenty = "{ ...R } fragment R on Query { " + string.Join(" ", Enumerable.Range(1, 20).Select(i => $"h{i}: hello")) + " }";
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(_uri, GraphQLRequests.Body(twenty))).Status);
    }

    /// <summary>F0 spreads F1 twice, F1 spreads F2 twice, ...: 2^n paths to the last fragment's field, in about 40 bytes a fragment.</summary>
    internal static string DoublingChain(int fragments)
    {
        var document = new StringBuilder("{...F0}");
        for (var i = 0; i < fragments; i++) document.Append($"fragment F{i} on Query{{...F{i + 1} ...F{i + 1}}}");
        document.Append($"fragment F{fragments} on Query{{hello}}");
        return document.ToString();
    }
}
