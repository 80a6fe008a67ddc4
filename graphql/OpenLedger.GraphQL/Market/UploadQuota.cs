using System.Diagnostics;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>
/// How many bytes of content each client may upload: a token bucket per client address that holds
/// <see cref="BytesPerMinute"/> and refills at that rate. Anyone may upload (contributors must, before they sign),
/// so without a budget one anonymous client could grow the node's content store without bound. The node's operator
/// is not limited. Over budget: <c>UPLOAD_QUOTA_EXCEEDED</c>, with how long to wait.
/// </summary>
public sealed class UploadQuota(long bytesPerMinute = UploadQuota.DefaultBytesPerMinute, Func<long>? clock = null)
{
    public const long DefaultBytesPerMinute = 32L * 1024 * 1024;
    public const string Code = "UPLOAD_QUOTA_EXCEEDED";
    private const int MaxTrackedClients = 10_000;

    private readonly Func<long> _clock = clock ?? Stopwatch.GetTimestamp;
    private readonly long _ticksPerMinute = clock is null ? Stopwatch.Frequency * 60 : 60_000;
    private readonly Dictionary<string, (double Tokens, long At)> _buckets = [];
    private readonly Lock _gate = new();

    public long BytesPerMinute { get; } = bytesPerMinute > 0 ? bytesPerMinute : throw new ArgumentOutOfRangeException(nameof(bytesPerMinute));

    /// <summary>Takes <paramref name="bytes"/> from <paramref name="client"/>'s budget, or throws the quota error and
    /// takes nothing.</summary>
    public void Take(string client, long bytes)
    {
        lock (_gate)
        {
            var now = _clock();
            var tokens = _buckets.TryGetValue(client, out var b)
                ? Math.Min(BytesPerMinute, b.Tokens + (now - b.At) * (double)BytesPerMinute / _ticksPerMinute)
                : BytesPerMinute;
            if (bytes > tokens)
            {
                var seconds = bytes > BytesPerMinute ? -1 : Math.Ceiling((bytes - tokens) * 60 / BytesPerMinute);
                throw new InvalidInputError(Code, seconds < 0
                    ? $"{bytes} bytes exceed this node's upload budget of {BytesPerMinute} bytes a minute per client"
                    : $"this client's upload budget ({BytesPerMinute} bytes a minute) is spent; retry in {seconds} s");
            }
            if (_buckets.Count >= MaxTrackedClients && !_buckets.ContainsKey(client)) Prune(now);
            _buckets[client] = (tokens - bytes, now);
        }
    }

    /// <summary>Forgets clients whose buckets are full again (they would start full anyway).</summary>
    private void Prune(long now)
    {
        foreach (var (key, b) in _buckets.ToList())
            if (b.Tokens + (now - b.At) * (double)BytesPerMinute / _ticksPerMinute >= BytesPerMinute) _buckets.Remove(key);
    }
}
