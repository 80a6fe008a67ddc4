using OpenLedger.Cli.CommandLine;

namespace OpenLedger.Silo.Cli.Ml;

/// <summary>`openledger ml ...`: the ML engine's verbs.</summary>
public static class MlVerbs
{
    public static int Execute(Args args, TextWriter output) => args.Positional.FirstOrDefault() switch
    {
        "train-base" => TrainBaseCommand.Execute(args),
        "eval-lexname" => EvalLexnameCommand.Execute(args),
        "import-gpt2" => ImportGpt2Command.Execute(args),
        "base-models" => BaseModelsCommand.Execute(output),
        "eval-base" => EvalBaseCommand.Execute(args, output),
        null => throw new UsageException("ml needs a verb: base-models, eval-base, train-base, eval-lexname, import-gpt2"),
        var other => throw new UsageException($"unknown ml verb '{other}'"),
    };
}
