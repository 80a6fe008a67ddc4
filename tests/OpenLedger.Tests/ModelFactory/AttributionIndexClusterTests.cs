using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Market;
using OpenLedger.Grains.ModelFactory;
using OpenLedger.ML.Attribution;
using OpenLedger.ML.Attribution.Spans;
using OpenLedger.ML.Corpus;
using OpenLedger.ML.FineTuning;
using OpenLedger.ML.Grains.ModelFactory;
using OpenLedger.Tests.Support;
using Xunit.Abstractions;

namespace OpenLedger.Tests.ModelFactory;

/// <summary>A Model Factory job in a real two-silo cluster ends with its adapter's attribution indexes: the training
/// record names them, the content store holds them, they parse, they cover exactly the training examples, every row
/// names a contribution of the version trained on, the contributions it flags for curators follow the rule from the
/// stored index, and a second run of the same job gives the same bytes.</summary>
[Collection("ml-cluster")]
public sealed class AttributionIndexClusterTests(MlClusterFixture fx, ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<TaskExample>> Examples = new(() =>
    {
        var corpus = WordNetCorpus.Load();
        var animals = corpus.Synsets.Where(s => s.Category == "noun.animal").Skip(300).Take(12);
        var plants = corpus.Synsets.Where(s => s.Category == "noun.plant").Skip(300).Take(12);
        return animals.Zip(plants).SelectMany(p => new[] { p.First, p.Second })
            .Select(s => new TaskExample($"{string.Join(", ", s.Words)}: {s.Definition}", s.Category)).ToList();
    });

    [Fact]
    public async Task A_finished_job_records_and_stores_influence_and_span_indexes_over_its_training_examples()
    {
        var datanet = await fx.PublishedDatanetAsync(fx.Chain.Keys[4], "attribution-index", Examples.Value);
        var request = new TrainingJobRequest(datanet, 0, Steps: 20, BatchSize: 4, Seed: 13);
        var job = (await fx.Client.GetGrain<IModelFactoryGrain>(0).SubmitAsync(request)).Job!;
        var grain = fx.Client.GetGrain<ITrainingJobGrain>(GrainKeys.Of(job.Id));
        var done = await UntilFinishedAsync(grain);
        Assert.Equal(TrainingJobStatus.Succeeded, done.Status);

        var record = TrainingRecord.Parse((await grain.GetRecordAsync())!);
        Assert.Equal(TrainingRecord.CurrentFormat, record.Format);
        var attribution = record.Attribution!;
        Assert.Equal(done.InfluenceIndex.ToString(), attribution.InfluenceIndex.Keccak);
        Assert.Equal(done.SpanIndex.ToString(), attribution.SpanIndex.Keccak);

        var influenceBytes = (await fx.Content.GetAsync(done.InfluenceIndex!.Value))!;
        var spanBytes = (await fx.Content.GetAsync(done.SpanIndex!.Value))!;
        Assert.Equal(done.InfluenceIndex, Keccak256.Hash(influenceBytes));
        Assert.Equal(done.SpanIndex, Keccak256.Hash(spanBytes));
        Assert.Equal(attribution.InfluenceIndex.Bytes, influenceBytes.Length);
        Assert.Equal(attribution.SpanIndex.Bytes, spanBytes.Length);

        var contents = (await fx.Client.GetGrain<IDatanetGrain>(GrainKeys.Of(datanet)).GetVersionContentsAsync(1))!;
        var versionContributions = contents.Contributions.ToHashSet();
        var influence = InfluenceIndexFormat.Read(influenceBytes);
        Assert.Equal(record.Dataset.TrainExamples, influence.Count);
        Assert.Equal(attribution.InfluenceIndex.Rows, influence.Count);
        foreach (var row in influence.ContributionOfRow.ToArray()) Assert.Contains(influence.Contributions[row], versionContributions);
        var spans = SpanIndexFormat.Read(spanBytes);
        Assert.Equal(record.Dataset.TrainExamples, spans.DocumentCount);
        Assert.Equal(attribution.SpanIndex.Tokens, spans.TokenCount);
        Assert.All(spans.ContributionIds, id => Assert.Contains(Hash32.Parse(id), versionContributions));

        // The harmful-data flags: recomputed from the stored index by the rule, they are what the record and the job say.
        var flagClock = Stopwatch.StartNew();
        var (flags, flaggedExamples, threshold) = ContributionFlags.Of(influence);
        var flagTime = flagClock.Elapsed;
        Assert.Equal((int)Math.Ceiling(influence.Count * MislabelRule.DefaultTopShare), flaggedExamples);
        Assert.NotEmpty(flags);
        Assert.Equal((ContributionFlags.Rule, flaggedExamples, threshold), (attribution.Flags!.Rule, attribution.Flags.FlaggedExamples, attribution.Flags.Threshold));
        Assert.Equal(flags.Select(f => (f.Contribution.ToString(), f.Examples, f.FlaggedExamples, f.Score)),
            attribution.Flags.Contributions.Select(f => (f.Contribution, f.Examples, f.FlaggedExamples, f.Score)));
        Assert.Equal(flags.Select(f => (f.Contribution, (double)f.Score, f.Reason)), done.Flags!.Select(f => (f.Contribution, f.Score, f.Reason)));
        var self = SelfInfluence.Of(influence);
        foreach (var f in flags)
        {
            Assert.Contains(f.Contribution, versionContributions);
            Assert.True(f.Score >= threshold);
            Assert.Equal(self.Where((_, row) => influence.Contributions[influence.ContributionOfRow[row]] == f.Contribution).Max(), f.Score);
        }
        Assert.Equal(flags.Select(f => f.Score).OrderDescending(), flags.Select(f => f.Score));

        // The same job run again (on one thread, as the fixture's silo runs it) gives the same indexes, bit for bit.
        var dataset = await DatasetLoader.LoadAsync(fx.Client, new NodeContent(fx.Node), datanet, 1);
        var clock = Stopwatch.StartNew();
        var again = FineTuneRun.Run(TestBaseModel.Directory, dataset!, TrainingJobIds.Spec(request), checkpointDirectory: null, threads: 1);
        var total = clock.Elapsed;
        Assert.Equal(done.InfluenceIndex, again.Attribution.InfluenceIndexHash);
        Assert.Equal(done.SpanIndex, again.Attribution.SpanIndexHash);
        Assert.Equal(done.TrainingRecord, again.RecordHash);
        output.WriteLine($"{influence.Count} training examples, {request.Steps} steps of batch {request.BatchSize}: run {total.TotalSeconds:F2} s, " +
            $"of which indexes {again.Attribution.Elapsed.TotalSeconds:F3} s (the job's: {done.IndexSeconds:F3} s); " +
            $"influence index {influenceBytes.Length} bytes ({influenceBytes.Length / influence.Count} per example), span index {spanBytes.Length} bytes; " +
            $"flags: {flaggedExamples} examples, {flags.Count} contributions, {flagTime.TotalMilliseconds:F2} ms");
    }

    private static async Task<TrainingJobView> UntilFinishedAsync(ITrainingJobGrain grain)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var view = await grain.GetAsync();
            if (view is { IsFinished: true }) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job never finished; last: {view}");
            await Task.Delay(50);
        }
    }
}
