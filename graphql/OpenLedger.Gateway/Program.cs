using OpenLedger.Cli.CommandLine;
using OpenLedger.Gateway;

// openledger-gateway [options]: the GraphQL gateway alone, an Orleans client of running silos (no grains, storage or
// libtorch to load). Options as `openledger gateway`'s.
return await VerbHost.RunAsync("openledger-gateway", args, Console.Out, Console.Error, ExecuteAsync, GatewayUsage.Print);

// No verb (Args reads that as "run"), or "gateway" as the node executable spells it.
static Task<int> ExecuteAsync(Args args, TextWriter output) => args.Verb is "run" or "gateway"
    ? GatewayCommand.ExecuteAsync(args)
    : throw new UsageException($"openledger-gateway takes options only, not a verb ('{args.Verb}')");
