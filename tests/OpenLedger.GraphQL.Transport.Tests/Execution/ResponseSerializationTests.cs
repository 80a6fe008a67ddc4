using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using OpenLedger.GraphQL.Transport.Execution;
using OpenLedger.GraphQL.Transport.Tests.Hosting;

namespace OpenLedger.GraphQL.Transport.Tests.Execution;

/// <summary>
/// The transports write a result with a <see cref="System.Text.Json.Utf8JsonWriter"/> straight into their bounded
/// buffer when the host uses GraphQL.NET's System.Text.Json serializer; the bytes must be exactly those the serializer
/// writes through a stream (data, nulls, lists, errors with locations, paths and codes), and the size limit must hold.
/// </summary>
public sealed class ResponseSerializationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly IServiceProvider _services = fixture.Server.Services;

    [Theory]
    [InlineData("{ hello a: hello(name: \"\\u00e9\\\"<>&\") deep { level next { level } pair { level } } page(first: 3) { count nodes { level } } }")]
    [InlineData("{ hello missingAccount uncoded }")]
    [InlineData("{ nope }")]
    [InlineData("{ blob(kb: 2) }")]
    public async Task Direct_serialisation_writes_the_same_bytes_as_the_serializer(string query)
    {
        var result = await ExecuteAsync(query);
        var serializer = _services.GetRequiredService<IGraphQLTextSerializer>();
        var options = BoundedResponse.DirectOptions(serializer);
        Assert.NotNull(options);

        using var stream = new MemoryStream();
        await serializer.WriteAsync(stream, result);
        using var direct = BoundedResponse.Serialize(options, result, 1 << 20);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(stream.ToArray()), System.Text.Encoding.UTF8.GetString(direct.Memory.Span));
    }

    [Fact]
    public async Task A_result_past_the_limit_is_answered_with_RESPONSE_TOO_LARGE_on_the_direct_path()
    {
        var result = await ExecuteAsync("{ blob(kb: 8) }");
        var serializer = _services.GetRequiredService<IGraphQLTextSerializer>();
        using var body = await BoundedResponse.SerializeAsync(serializer, result, 4096, CancellationToken.None);
        var text = System.Text.Encoding.UTF8.GetString(body.Memory.Span);
        Assert.Contains("\"RESPONSE_TOO_LARGE\"", text);
        Assert.Contains("\"data\":null", text);
        Assert.True(body.Memory.Length < 4096);
    }

    private Task<ExecutionResult> ExecuteAsync(string query) =>
        _services.GetRequiredService<IDocumentExecuter>().ExecuteAsync(new ExecutionOptions
        {
            Schema = _services.GetRequiredService<ISchema>(),
            Query = query,
            RequestServices = _services,
        });
}
