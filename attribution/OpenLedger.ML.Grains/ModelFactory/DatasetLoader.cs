using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains;
using OpenLedger.Grains.Market;
using OpenLedger.ML.FineTuning;

namespace OpenLedger.ML.Grains.ModelFactory;

/// <summary>Reads a datanet version's examples: the approved content hashes in approval order (from the datanet grain,
/// checked against the version's root) and each content from the node's content store (in process: a version is thousands of contents), read in the datanet's task
/// format. Content that is missing or does not parse is left out and listed, not fatal: the node refuses such
/// contributions at admission, so it can only come from before a format rule or from a damaged store.</summary>
public static class DatasetLoader
{
    public static async Task<FineTuneDataset?> LoadAsync(IGrainFactory grains, INodeContent content, Hash32 datanet, uint number,
        CancellationToken cancellationToken = default)
    {
        var contents = await grains.GetGrain<IDatanetGrain>(GrainKeys.Of(datanet)).GetVersionContentsAsync(number);
        if (contents is null) return null;
        if (contents.Contributions.Length != contents.Contents.Length)
            throw new InvalidDataException($"version {number} of {datanet} lists {contents.Contributions.Length} contributions and {contents.Contents.Length} contents");
        var task = (TaskKind)contents.Task;
        var examples = new List<DatasetExample>(contents.Contents.Length);
        var skipped = new List<SkippedContent>();
        for (var i = 0; i < contents.Contents.Length; i++)
        {
            var hash = contents.Contents[i];
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = await content.GetAsync(hash, cancellationToken);
            if (bytes is null)
            {
                skipped.Add(new SkippedContent(hash, "not in the content store"));
                continue;
            }
            var error = TaskExampleFormat.TryParse(task, bytes, out var example);
            if (error.IsError) skipped.Add(new SkippedContent(hash, error.ToString()));
            else examples.Add(new DatasetExample(hash, example!, contents.Contributions[i]));
        }
        return new FineTuneDataset(datanet, contents.Version, contents.Number, contents.Root, task, examples, skipped);
    }
}
