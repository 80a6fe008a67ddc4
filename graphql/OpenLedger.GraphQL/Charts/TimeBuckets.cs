using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Charts;

/// <summary>A chart's time axis: <see cref="Count"/> buckets of <see cref="Seconds"/> each, the last one holding
/// now. Bucket edges are multiples of the bucket size since the Unix epoch, so two clients (or one polling) see the
/// same buckets; a bucket is [start, start + size).</summary>
public sealed record TimeBuckets(int Seconds, int Count, long EndMs)
{
    public const int MaxBuckets = 200;
    public const int DefaultBuckets = 60;
    public const int DefaultSeconds = 60;

    /// <summary>The longest bucket: 31 days.</summary>
    public const int MaxSeconds = 31 * 24 * 3600;

    /// <summary>The code of a bucket size or count out of bounds.</summary>
    public const string InvalidSeries = "INVALID_SERIES";

    public long SizeMs => Seconds * 1000L;
    public long StartMs => EndMs - Count * SizeMs;

    public long BucketStartMs(int index) => StartMs + index * SizeMs;

    /// <summary>The bucket holding the time, or -1 if it is outside the axis.</summary>
    public int IndexOf(long timestampMs) => timestampMs < StartMs || timestampMs >= EndMs ? -1 : (int)((timestampMs - StartMs) / SizeMs);

    /// <summary>The axis the field's <c>bucketSeconds</c> and <c>buckets</c> arguments ask for, ending with the bucket
    /// that holds <paramref name="nowMs"/>; out-of-bounds values get <see cref="InvalidSeries"/>.</summary>
    public static TimeBuckets From(IResolveFieldContext c, long nowMs)
    {
        var seconds = c.GetArgument<int>("bucketSeconds");
        var count = c.GetArgument<int>("buckets");
        if (seconds is < 1 or > MaxSeconds)
            throw new InvalidInputError(InvalidSeries, $"bucketSeconds is {seconds}; it must be between 1 and {MaxSeconds:N0}");
        if (count is < 1 or > MaxBuckets)
            throw new InvalidInputError(InvalidSeries, $"buckets is {count}; it must be between 1 and {MaxBuckets}");
        var size = seconds * 1000L;
        return new TimeBuckets(seconds, count, (Math.Max(nowMs, 0) / size + 1) * size);
    }

    /// <summary>Adds the two arguments every series field takes.</summary>
    public static FieldBuilder<TSource, TReturn> Arguments<TSource, TReturn>(FieldBuilder<TSource, TReturn> field) => field
        .Argument<IntGraphType>("bucketSeconds", a =>
        {
            a.DefaultValue = DefaultSeconds;
            a.Description = $"Seconds per bucket, 1 to {MaxSeconds:N0} (31 days).";
        })
        .Argument<IntGraphType>("buckets", a =>
        {
            a.DefaultValue = DefaultBuckets;
            a.Description = $"How many buckets, 1 to {MaxBuckets}; the last one holds now.";
        });

    public static DateTime Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
}
