using OpenLedger.Cli;
using OpenLedger.Cli.CommandLine;

// openledger-cli VERB [options]: the client verbs alone, without the node (no Orleans, storage or libtorch to load).
return await VerbHost.RunAsync("openledger-cli", args, Console.Out, Console.Error, ExecuteAsync, ClientUsage.PrintSlim);

static Task<int> ExecuteAsync(Args args, TextWriter output) =>
    ClientVerbs.Handles(args.Verb) ? ClientVerbs.ExecuteAsync(args, output)
    : ClientVerbs.NodeOnlyVerbs.Contains(args.Verb)
        ? throw new UsageException($"'{args.Verb}' is a verb of the node executable, `openledger {args.Verb}` " +
                                   $"(dotnet run --project silo/OpenLedger.Silo -- {args.Verb}); openledger-cli holds the client verbs")
    : throw new UsageException($"unknown verb '{args.Verb}'");
