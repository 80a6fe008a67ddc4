using OpenLedger.Grains.Market;

namespace OpenLedger.GraphQL.Market;

/// <summary>Stored content as <c>Content</c> resolves it: the descriptor, and its bytes read once, only if a
/// field asks for them.</summary>
public sealed class ContentView(ContentDescriptor info, Func<Task<byte[]?>> read)
{
    private readonly Lazy<Task<byte[]?>> _bytes = new(read);

    public ContentDescriptor Info { get; } = info;

    public Task<byte[]?> BytesAsync() => _bytes.Value;
}
