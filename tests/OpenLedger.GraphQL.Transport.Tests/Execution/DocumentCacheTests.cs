using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.GraphQL.Transport.Execution;
using OpenLedger.GraphQL.Transport.Tests.Hosting;
using OpenLedger.GraphQL.Transport.Tests.Http;

namespace OpenLedger.GraphQL.Transport.Tests.Execution;

/// <summary>
/// The cache of validated documents: a repeated document answers exactly as the first time, each operation name is
/// its own entry, what depends on the variables (page sizes, cost, @skip depth, variable types) is checked on every
/// request, a document refused by a limit is refused every time and never kept, and the cache stays within its bounds
/// however many new documents arrive.
/// </summary>
public sealed class DocumentCacheTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Uri _uri = fixture.Server.HttpUri;
    private readonly DocumentCache _cache = fixture.Server.Services.GetRequiredService<GraphQLOperationExecutor>().Documents;

    [Fact]
    public async Task A_repeated_document_is_served_from_the_cache_with_the_same_answer()
    {
        const string query = "{ hello deep { level next { level } pair { level } } page(first: 3) { count nodes { level } } }";
        Assert.Null(_cache.TryGet(query, null));

        var first = await Client.PostAsync(_uri, GraphQLRequests.Body(query));
        Assert.Equal(HttpStatusCode.OK, first.Status);
        var cached = _cache.TryGet(query, null);
        Assert.NotNull(cached);
        Assert.True(cached.Validated);

        var second = await Client.PostAsync(_uri, GraphQLRequests.Body(query));
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Body.ToString(), second.Body.ToString());
        Assert.Same(cached, _cache.TryGet(query, null));
    }

    [Fact]
    public async Task A_cached_document_without_variables_answers_literal_arguments_merged_fields_and_directives_the_same_every_time()
    {
        // Its validation result is reused (the arguments and directives parsed once); fields merged under one response
        // name make the executor add entries to those maps, so every request must work on its own copy.
        const string query = "{ a: hello(name: \"x\") a: hello(name: \"x\") b: hello p: page(first: 2) { nodes { level } } "
                             + "p: page(first: 2) { count } s: deep @include(if: false) { level } t: deep @skip(if: false) { level } }";
        const string expected = "{\"a\":\"Hello, x!\",\"b\":\"Hello, world!\",\"p\":{\"nodes\":[{\"level\":1},{\"level\":2}],\"count\":2},\"t\":{\"level\":1}}";
        var first = await Client.PostAsync(_uri, GraphQLRequests.Body(query));
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(expected, first.Data.GetRawText());
        Assert.True(_cache.TryGet(query, null)!.Validated);

        var again = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Client.PostAsync(_uri, GraphQLRequests.Body(query))));
        Assert.All(again, r => Assert.Equal(expected, r.Data.GetRawText()));
    }

    [Fact]
    public async Task Each_operation_name_of_a_document_is_its_own_entry()
    {
        const string query = "query A { hello(name: \"a\") } query B { deep { level } }";
        var a = await Client.PostAsync(_uri, GraphQLRequests.Body(query, operationName: "A"));
        var b = await Client.PostAsync(_uri, GraphQLRequests.Body(query, operationName: "B"));
        Assert.Equal("Hello, a!", a.Data.GetProperty("hello").GetString());
        Assert.Equal(1, b.Data.GetProperty("deep").GetProperty("level").GetInt32());

        Assert.Equal("A", _cache.TryGet(query, "A")!.Operation!.Name!.StringValue);
        Assert.Equal("B", _cache.TryGet(query, "B")!.Operation!.Name!.StringValue);
        // Cached, each still answers with its own operation, and no name still cannot choose between two.
        Assert.Equal("Hello, a!", (await Client.PostAsync(_uri, GraphQLRequests.Body(query, operationName: "A"))).Data.GetProperty("hello").GetString());
        Assert.True((await Client.PostAsync(_uri, GraphQLRequests.Body(query, operationName: "B"))).Data.TryGetProperty("deep", out _));
        var unnamed = await Client.PostAsync(_uri, GraphQLRequests.Body(query));
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.Status);
        Assert.Null(_cache.TryGet(query, null));
    }

    [Fact]
    public async Task A_cached_document_still_checks_page_sizes_and_cost_given_by_variables()
    {
        const string query = "query($n: Int) { page(first: $n) { nodes { children { children { level } } } } }";
        var ok = await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { n = 1 }));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.NotNull(_cache.TryGet(query, null));

        // 2 + n x (1 + 100 x (1 + 100)) is 20,204 for n = 2: past the test limit of 20,000.
        Assert.Equal(["MAX_COMPLEXITY_EXCEEDED"], (await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { n = 2 }))).ErrorCodes);
        Assert.Equal(["INVALID_PAGE_SIZE"], (await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { n = -3 }))).ErrorCodes);
        Assert.Equal(["INVALID_PAGE_SIZE"], (await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { n = 101 }))).ErrorCodes);
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { n = 1 }))).Status);
    }

    [Fact]
    public async Task A_cached_document_still_measures_its_depth_with_skip_conditions_given_by_variables()
    {
        // 17 levels when the skipped part is included: past the test limit of 15; 2 without it.
        var inner = string.Concat(Enumerable.Repeat("next { ", 14)) + "level" + new string('}', 14);
        var query = $"query($skip: Boolean!) {{ deep {{ level next @skip(if: $skip) {{ {inner} }} }} }}";
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { skip = true }))).Status);
        Assert.NotNull(_cache.TryGet(query, null));

        Assert.Equal(["MAX_DEPTH_EXCEEDED"], (await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { skip = false }))).ErrorCodes);
    }

    [Fact]
    public async Task Variables_of_the_wrong_type_are_refused_for_a_cached_document_as_for_a_new_one()
    {
        const string query = "query($n: Int) { page(first: $n) { count } }";
        var uncached = await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { n = "seven" }));
        Assert.Equal(HttpStatusCode.BadRequest, uncached.Status);
        Assert.NotEmpty(uncached.ErrorCodes);
        Assert.Null(_cache.TryGet(query, null));

        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { n = 7 }))).Status);
        Assert.NotNull(_cache.TryGet(query, null));
        var cached = await Client.PostAsync(_uri, GraphQLRequests.Body(query, new { n = "seven" }));
        Assert.Equal(HttpStatusCode.BadRequest, cached.Status);
        Assert.Equal(uncached.ErrorCodes, cached.ErrorCodes);
    }

    [Fact]
    public async Task A_document_refused_by_a_limit_is_refused_every_time_and_never_kept()
    {
        var aliases = "{ deep { " + string.Join(" ", Enumerable.Range(0, 51).Select(i => $"a{i}: level")) + " } }";
        var deep = "{ deep { " + string.Concat(Enumerable.Repeat("next { ", 15)) + "level" + new string('}', 15) + " } }";
        var wide = "{ deep { children { children { children { level } } } } }";
        foreach (var (query, code) in new[] { (aliases, "MAX_ALIASES_EXCEEDED"), (deep, "MAX_DEPTH_EXCEEDED"), (wide, "MAX_COMPLEXITY_EXCEEDED") })
        {
            for (var i = 0; i < 3; i++)
                Assert.Equal([code], (await Client.PostAsync(_uri, GraphQLRequests.Body(query))).ErrorCodes);
            Assert.Null(_cache.TryGet(query, null));
        }
    }

    [Fact]
    public void Many_unique_documents_keep_the_cache_within_its_entry_and_byte_bounds()
    {
        var cache = new DocumentCache(maxEntries: 100, maxBytes: 64 * 1024);
        string Query(int i) => $"{{ hello(name: \"{i}\") }}";
        for (var i = 0; i < 20_000; i++)
        {
            cache.Add(Query(i), null, OperationDocument.Parse(Query(i), null).AsValidated());
            Assert.True(cache.Count <= 100);
            Assert.True(cache.Bytes <= 64 * 1024);
            // The first entry is the least recently used only if nothing reads it; keep it in use.
            Assert.NotNull(cache.TryGet(Query(0), null));
        }
        Assert.Equal(100, cache.Count);
        Assert.NotNull(cache.TryGet(Query(19_999), null));
        Assert.Null(cache.TryGet(Query(19_000), null));

        // Larger documents are bounded by bytes before entries; one larger than an eighth of the budget is not kept.
        var padding = new string(' ', 3_000);
        for (var i = 0; i < 1_000; i++)
        {
            var query = Query(i) + padding;
            cache.Add(query, null, OperationDocument.Parse(query, null).AsValidated());
            Assert.True(cache.Bytes <= 64 * 1024);
        }
        Assert.True(cache.Count < 100);
        var huge = Query(-1) + new string(' ', 5_000);
        cache.Add(huge, null, OperationDocument.Parse(huge, null).AsValidated());
        Assert.Null(cache.TryGet(huge, null));
    }
}
