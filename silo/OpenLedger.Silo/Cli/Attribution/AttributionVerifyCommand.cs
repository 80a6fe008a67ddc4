using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.BaseModel;

namespace OpenLedger.Silo.Cli.Attribution;

/// <summary>`openledger attribution verify --inference ID`: an auditor's recomputation of one settled inference's
/// attribution from the node's public API (<see cref="NodeAuditSource"/>) with the local engine
/// (<see cref="AttributionAudit"/>). Prints the verdict; exit 0 only when the record is exact.</summary>
public static class AttributionVerifyCommand
{
    public const string Usage = """
        openledger attribution verify --inference 0x…: recompute a settled inference's attribution record from the
        adapter, the influence and span indexes and the served texts, and check it against the chain (record hash,
        contributor credits) bit for bit. Exit 0: exact; 1: not exact (the reason is printed), not settled, or the node lacks
        what the audit needs; 2: a usage mistake.
          [--node URL] [--base-model DIR (default: the built-in one)] [--content FILE,FILE (local artifacts, used
          instead of downloading; needed for an index larger than the node's GraphQL response limit)]
        """;

    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        if (args.Has("help")) { output.WriteLine(Usage); return 0; }
        if (!Hash32.TryParse(args.Get("inference"), out var inference)) throw new UsageException("attribution verify needs --inference 0x… (an inference id)");
        var local = NodeAuditSource.ReadLocal((args.Get("content") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var baseModel = Path.GetFullPath(args.Get("base-model", BaseModelRecipe.BuiltinDirectory));
        NodeOptions.RefuseOrleansOptions(args);
        using var client = NodeOptions.Connect(args);
        (SettledPayouts Settled, byte[]? Record, AttributionInputs Content)? read;
        try
        {
            read = await new NodeAuditSource(client, local).ReadAsync(inference, output);
        }
        catch (AuditSourceException e)
        {
            output.WriteLine($"cannot verify: {e.Message}");
            return 1;
        }
        if (read is not { } facts) return 1;
        using var attributor = InferenceAttributor.Open(baseModel);
        var verdict = AttributionAudit.Verify(attributor, facts.Settled, facts.Record, facts.Content);
        output.WriteLine(verdict.IsExact ? $"exact: {verdict.Message}" : $"NOT exact ({verdict.Reason}): {verdict.Message}");
        return verdict.IsExact ? 0 : 1;
    }
}
