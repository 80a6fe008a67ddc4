using System.Text.Json;
using System.Text.Json.Serialization;
using OpenLedger.ML.SafeTensors;
using static TorchSharp.torch;

namespace OpenLedger.ML.Training;

/// <summary>
/// A resumable training state in a directory: <c>checkpoint.safetensors</c> (the trained tensors by name, and AdamW's
/// moments as <c>adamw.exp_avg.{name}</c> / <c>adamw.exp_avg_sq.{name}</c>) and <c>checkpoint.json</c> (step, data
/// position, the tensors file's keccak256). The JSON is written last and names the tensors' hash, so a crash between
/// the two writes leaves the previous checkpoint's JSON pointing at a file whose hash no longer matches: loading fails
/// loudly rather than resuming from a mix.
/// </summary>
public sealed record TrainingCheckpoint(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("totalSteps")] int TotalSteps,
    [property: JsonPropertyName("dataPosition")] long DataPosition,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("tokensTrained")] long TokensTrained,
    [property: JsonPropertyName("lastLoss")] double LastLoss,
    [property: JsonPropertyName("initialEvalLoss")] double? InitialEvalLoss,
    [property: JsonPropertyName("tensorsKeccak")] string TensorsKeccak)
{
    public const string TensorsFile = "checkpoint.safetensors";
    public const string StateFile = "checkpoint.json";
    public const string ExpAvgPrefix = "adamw.exp_avg.";
    public const string ExpAvgSqPrefix = "adamw.exp_avg_sq.";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, StateFile));

    /// <summary>Writes <paramref name="tensors"/> and then the state naming their hash.</summary>
    public static TrainingCheckpoint Save(string directory, TrainingCheckpoint state, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Directory.CreateDirectory(directory);
        var tensorsPath = Path.Combine(directory, TensorsFile);
        var hash = TorchSafeTensors.Save(tensorsPath + ".tmp", tensors);
        File.Move(tensorsPath + ".tmp", tensorsPath, overwrite: true);
        var written = state with { TensorsKeccak = hash.ToString() };
        var statePath = Path.Combine(directory, StateFile);
        File.WriteAllText(statePath + ".tmp", JsonSerializer.Serialize(written, Json));
        File.Move(statePath + ".tmp", statePath, overwrite: true);
        return written;
    }

    /// <summary>Reads a checkpoint and its tensors (CPU), checking the tensors file against the recorded hash.</summary>
    public static (TrainingCheckpoint State, Dictionary<string, Tensor> Tensors) Load(string directory)
    {
        var state = JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllText(Path.Combine(directory, StateFile)), Json)
                    ?? throw new InvalidDataException($"{directory}: empty {StateFile}");
        var bytes = File.ReadAllBytes(Path.Combine(directory, TensorsFile));
        var hash = SafeTensorsFile.Hash(bytes).ToString();
        if (!string.Equals(hash, state.TensorsKeccak, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{directory}: {TensorsFile} has keccak {hash} but {StateFile} records {state.TensorsKeccak}");
        return (state, TorchSafeTensors.Deserialize(bytes).Tensors);
    }
}
