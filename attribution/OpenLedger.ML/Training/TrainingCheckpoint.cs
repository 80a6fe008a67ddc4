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
    [property: JsonPropertyName("tensorsKeccak")] string TensorsKeccak,
    [property: JsonPropertyName("earlyStopping"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EarlyStoppingState? EarlyStopping = null)
{
    public const string TensorsFile = "checkpoint.safetensors";
    public const string StateFile = "checkpoint.json";
    public const string ExpAvgPrefix = "adamw.exp_avg.";
    public const string ExpAvgSqPrefix = "adamw.exp_avg_sq.";
    /// <summary>The trained tensors at the best held-out evaluation so far (early stopping only).</summary>
    public const string BestPrefix = "best.";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, StateFile));

    /// <summary>Writes <paramref name="tensors"/> and then the state naming their hash.</summary>
    public static TrainingCheckpoint Save(string directory, TrainingCheckpoint state, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var (written, bytes) = Serialize(state, tensors);
        Write(directory, written, bytes);
        return written;
    }

    /// <summary>The tensors' canonical safetensors bytes and the state naming their keccak256: a checkpoint in memory,
    /// for a store other than a directory (<see cref="ITrainingCheckpointStore"/>).</summary>
    public static (TrainingCheckpoint State, byte[] Tensors) Serialize(TrainingCheckpoint state, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var bytes = TorchSafeTensors.Serialize(tensors);
        return (state with { TensorsKeccak = SafeTensorsFile.Hash(bytes).ToString() }, bytes);
    }

    /// <summary>Writes a serialized checkpoint into <paramref name="directory"/>: the tensors first, the state naming
    /// them last, each by a rename.</summary>
    public static void Write(string directory, TrainingCheckpoint state, byte[] tensors)
    {
        Directory.CreateDirectory(directory);
        var tensorsPath = Path.Combine(directory, TensorsFile);
        File.WriteAllBytes(tensorsPath + ".tmp", tensors);
        File.Move(tensorsPath + ".tmp", tensorsPath, overwrite: true);
        var statePath = Path.Combine(directory, StateFile);
        File.WriteAllText(statePath + ".tmp", ToJson(state));
        File.Move(statePath + ".tmp", statePath, overwrite: true);
    }

    /// <summary>Reads a checkpoint and its tensors (CPU), checking the tensors file against the recorded hash.</summary>
    public static (TrainingCheckpoint State, Dictionary<string, Tensor> Tensors) Load(string directory)
    {
        var (state, bytes) = Read(directory);
        return (state, Deserialize(state, bytes, directory));
    }

    /// <summary>A checkpoint's state and tensor bytes as written in <paramref name="directory"/>, unchecked.</summary>
    public static (TrainingCheckpoint State, byte[] Tensors) Read(string directory)
    {
        var state = FromJson(File.ReadAllText(Path.Combine(directory, StateFile)), directory);
        return (state, File.ReadAllBytes(Path.Combine(directory, TensorsFile)));
    }

    /// <summary>The tensors of a serialized checkpoint, checked against the hash its state records.</summary>
    /// <param name="where">names the checkpoint in an error (a directory, a job).</param>
    public static Dictionary<string, Tensor> Deserialize(TrainingCheckpoint state, byte[] tensors, string where)
    {
        var hash = SafeTensorsFile.Hash(tensors).ToString();
        if (!string.Equals(hash, state.TensorsKeccak, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{where}: {TensorsFile} has keccak {hash} but {StateFile} records {state.TensorsKeccak}");
        return TorchSafeTensors.Deserialize(tensors).Tensors;
    }

    public static string ToJson(TrainingCheckpoint state) => JsonSerializer.Serialize(state, Json);

    public static TrainingCheckpoint FromJson(string json, string where) =>
        JsonSerializer.Deserialize<TrainingCheckpoint>(json, Json) ?? throw new InvalidDataException($"{where}: empty {StateFile}");
}
