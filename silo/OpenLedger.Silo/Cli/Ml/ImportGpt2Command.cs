using OpenLedger.Cli.CommandLine;
using OpenLedger.ML.BaseModel;

namespace OpenLedger.Silo.Cli.Ml;

/// <summary>`openledger ml import-gpt2 --from DIR --out DIR`: turns a Hugging Face GPT-2 checkpoint (config.json +
/// model.safetensors, e.g. a download of openai-community/gpt2) into a base-model directory (base-model.json +
/// canonical model.safetensors, GPT-2's r50k_base tokenizer) that a node serves and trains over with
/// <c>--base-model DIR</c>. A checkpoint that is no GPT-2 this engine runs is refused with the reason (exit 1).</summary>
public static class ImportGpt2Command
{
    public static int Execute(Args args)
    {
        var from = args.Get("from") ?? throw new UsageException("ml import-gpt2 needs --from DIR (config.json + model.safetensors)");
        var output = args.Get("out") ?? throw new UsageException("ml import-gpt2 needs --out DIR");
        from = Path.GetFullPath(from);
        output = Path.GetFullPath(output);
        if (!Directory.Exists(from)) throw new UsageException($"--from {from} is not a directory");
        try
        {
            Console.WriteLine($"importing the GPT-2 checkpoint in {from} into {output}");
            var manifest = Gpt2Import.Import(from, output);
            var c = manifest.Config;
            Console.WriteLine($"config          {c.Layers} layers, {c.ModelDim}d, {c.Heads} heads, context {c.ContextLength}, vocab {c.VocabSize}, " +
                              $"layer-norm eps {c.LayerNormEpsilon}, dropout {c.Dropout}");
            Console.WriteLine($"parameters      {manifest.Weights.Parameters:N0}, {manifest.Weights.Bytes:N0} bytes (float32, from {manifest.Imported?.SourceDType})");
            Console.WriteLine($"tokenizer       {manifest.Tokenizer.Kind} keccak {manifest.Tokenizer.Keccak} (vocab {manifest.Tokenizer.VocabSize})");
            Console.WriteLine($"weights         {manifest.Weights.File} keccak {manifest.Weights.Keccak}");
            Console.WriteLine($"base model      {ML.FineTuning.FineTuneRun.BaseModelName(manifest)} (run a node with --base-model {output})");
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
