using OpenLedger.Silo.Cli;
using OpenLedger.Silo.Cli.Marketplace;
using OpenLedger.Silo.Cli.Ml;
using OpenLedger.Silo.Configuration;

// openledger [verb] [options]: runs a node by default; the other verbs are tools around it.
try
{
    // `openledger VERB --help` prints the usage and does nothing else (for verbs whose options are all optional,
    // such as run or ml train-base, running would otherwise start the work).
    if (args.Contains("--help") || args.Contains("-h")) return Usage.Print();
    var args0 = new Args(args);
    return args0.Verb switch
    {
        "run" => await RunCommand.ExecuteAsync(args0),
        "gateway" => await GatewayCommand.ExecuteAsync(args0),
        "keygen" => KeygenCommand.Execute(args0),
        "dev-keys" => KeygenCommand.ExecuteDevKeys(args0),
        "genesis" => GenesisCommand.Execute(args0),
        "transfer" => await TransferCommand.ExecuteAsync(args0),
        "account" => await QueryCommands.AccountAsync(args0),
        "block" => await QueryCommands.BlockAsync(args0),
        "tx" => await QueryCommands.TransactionAsync(args0),
        "verify" => await VerifyCommand.ExecuteAsync(args0),
        "ml" => MlVerbs.Execute(args0),
        var verb when MarketplaceVerbs.Handles(verb) => await MarketplaceVerbs.ExecuteAsync(args0, Console.Out),
        "help" or "--help" or "-h" => Usage.Print(),
        _ => throw new UsageException($"unknown verb '{args0.Verb}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine("run `openledger help` for usage");
    return 2;
}
