using OpenLedger.Silo.Cli;

// openledger [verb] [options]: runs a node by default; the other verbs are tools around it.
return await CliVerbs.RunAsync(args, Console.Out, Console.Error);
