using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.ML.Attribution.Inference;
using OpenLedger.ML.BaseModel;
using OpenLedger.Silo.Configuration;

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
          [--node URL] [--base-model M (default: the built-in model the inference's model was trained over, found by the
          weights hash its training record names; M: a recipe such as wordnet-1m, builtin:0x<weights keccak> or a directory)]
          [--content FILE,FILE (local artifacts, used instead of downloading; needed for an index larger than the node's
          GraphQL response limit)]
        """;

    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        if (args.Has("help")) { output.WriteLine(Usage); return 0; }
        if (!Hash32.TryParse(args.Get("inference"), out var inference)) throw new UsageException("attribution verify needs --inference 0x… (an inference id)");
        var local = NodeAuditSource.ReadLocal((args.Get("content") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var given = args.Value("base-model") is { } value ? BaseModelOption.Resolve(value, "--base-model") : null;
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
        using var attributor = InferenceAttributor.Open(given ?? TrainedOver(facts.Content));
        var verdict = AttributionAudit.Verify(attributor, facts.Settled, facts.Record, facts.Content);
        output.WriteLine(verdict.IsExact ? $"exact: {verdict.Message}" : $"NOT exact ({verdict.Reason}): {verdict.Message}");
        return verdict.IsExact ? 0 : 1;
    }

    /// <summary>The shipped base model the inference's model was trained over (its training record names the weights'
    /// keccak, so a model registered over an older built-in base is audited over that base), else the default one (the
    /// audit then says which base the model needs).</summary>
    private static string TrainedOver(AttributionInputs content)
    {
        var weights = InferenceAttributor.ArtifactsOf(content.TrainingRecordBytes, out _)?.BaseModelWeightsKeccak;
        try { return BaseModelCatalog.Resolve("builtin:" + weights); }
        catch (ArgumentException) { return BaseModelRecipe.BuiltinDirectory; }
    }
}
