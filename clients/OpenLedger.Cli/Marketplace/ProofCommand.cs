using OpenLedger.Core.Merkle;
using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger proof --contribution ID [--version N]`: the Merkle proof that a contribution's content is in a
/// version of its datanet (the latest by default), checked here against the root the chain committed.</summary>
public static class ProofCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var contribution = Options.Id(args, "contribution", "contribution");
        var number = args.Get("version") is not { } n ? 0u
            : uint.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 ? v
            : throw new UsageException($"--version '{n}' is not a version number (1, 2, ...)");

        using var s = await MarketSession.ConnectAsync(args, output);
        var c = MarketSession.Require(await s.Client.GetContributionAsync(contribution), contribution, "contribution");
        var p = await s.Client.GetProofAsync(contribution, number == 0 ? null : (int)number);
        if (p is null)
            throw new CommandFailedException($"contribution {contribution} ({c.Status}) is not in {(number == 0 ? "the latest version" : $"version {number}")} of datanet {c.Datanet}");

        // Check it here: against the root of the version object the chain committed, not only the one the proof carries.
        var version = MarketSession.Require(await s.Client.GetDatanetVersionAsync(p.Version), p.Version, "datanet version");
        var proof = new MerkleProof(c.Content, p.Index, p.Count, p.Siblings.Select(step => new MerkleStep(step.Hash, step.Left)).ToList());
        var computed = proof.ComputeRoot();
        s.Field("contribution", c.Id);
        s.Field("content", c.Content);
        s.Field("datanet", c.Datanet);
        s.Field("version", $"{version.Number} ({version.Id})");
        s.Field("leaf", $"{p.Index} of {p.Count}");
        foreach (var step in p.Siblings) output.WriteLine($"  {(step.Left ? "left " : "right")} {step.Hash}");
        s.Field("root", version.Root);
        s.Field("computed root", computed);
        // Not p.Count == version.Count: a version's count bounds approval indexes, and leaves excluded before it are not
        // in its tree; the leaf count is checked by the root (another count gives another tree).
        var ok = p.Content == c.Content && proof.Verify(version.Root);
        output.WriteLine(ok ? "proof verified" : "proof INVALID");
        return ok ? 0 : 1;
    }
}
