using OpenLedger.Cli.CommandLine;
using Microsoft.Extensions.Hosting;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Grains.Hosting;
using OpenLedger.Silo.Configuration;
using OpenLedger.Silo.Hosting;
using OpenLedger.Cli.Keys;
using OpenLedger.Storage;

namespace OpenLedger.Silo.Cli;

/// <summary>`openledger run`: start a node and say where it listens, where its data lives and which dev accounts exist.</summary>
public static class RunCommand
{
    public static async Task<int> ExecuteAsync(Args args)
    {
        var settings = NodeSettings.From(args);
        foreach (var (option, instead) in new[] { ("producer-key", "--producer-key-file FILE"), ("serving-key", "--serving-key-file FILE"),
                     ("attribution-key", "--attribution-key-file FILE") })
            if (args.Has(option)) KeyOnCommandLine.Warn(Console.Error, option, $"{instead} (mode 0600)");
        var (host, node, genesis) = await NodeHost.BuildAsync(settings);
        await host.StartAsync();
        var head = await node.Store.GetHeadAsync();
        Console.WriteLine($"OpenLedger node — chain '{node.Rules.Name}' (chain id {node.Rules.ChainId})");
        Console.WriteLine($"  genesis        {node.GenesisHash}");
        Console.WriteLine($"  head           block {head?.Height} {head?.Hash}");
        Console.WriteLine(settings.Backend == StorageBackend.Sqlite
            ? $"  data           {Path.Combine(settings.DataDirectory, "openledger.db")} (SQLite)"
            : "  data           PostgreSQL (OPENLEDGER_POSTGRES / --postgres)");
        Console.WriteLine($"  silo port      127.0.0.1:{settings.SiloPort}");
        Console.WriteLine($"  gateway port   127.0.0.1:{settings.GatewayPort}  (Orleans, for the cluster's own clients, e.g. the GraphQL gateway `openledger gateway`)");
        Console.WriteLine($"  roles          {SiloRoleNames.Describe(settings.Roles)}  (--roles; the others' grains run on other silos of the cluster)");
        if (settings.ServesGateway)
        {
            Console.WriteLine($"  GraphQL        http://127.0.0.1:{settings.HttpPort}/graphql  (HTTP and graphql-transport-ws), health at /healthz");
            Console.WriteLine($"  web app        http://127.0.0.1:{settings.HttpPort}/  (the explorer, in a browser)");
        }
        else
            Console.WriteLine($"  HTTP           http://127.0.0.1:{settings.HttpPort}/healthz and /metrics only (no gateway role: GraphQL is served by gateway silos or `openledger gateway`)");
        Console.WriteLine($"  producer       {node.Rules.Producer}{(node.ProducerKey is null ? " (this node does not produce blocks)" : settings.HostsLedger ? " (this node)" : " (no core role here: a core silo produces)")}");
        Console.WriteLine($"  block interval {node.Rules.BlockIntervalMs} ms, gas price floor {node.Rules.GasPriceFloor} wei");
        // Which secp256k1 recovers signers (the bound on admission): libsecp256k1, or the managed port and why.
        Console.WriteLine($"  secp256k1      {Secp256k1.Backend}");
        var market = node.Rules.Market;
        Console.WriteLine($"  serving ops    {Addresses(market.ServingOperators)}  (post inference results)");
        Console.WriteLine($"  attribution    {Addresses(market.AttributionOperators)}  (settle inferences)");
        Console.WriteLine($"  treasury       {market.Treasury}  (protocol shares, forfeits by a treasury rule)");
        if (settings.ServesGateway) Console.WriteLine($"  client verbs   --node http://127.0.0.1:{settings.HttpPort}/graphql  (or OPENLEDGER_NODE=http://127.0.0.1:{settings.HttpPort}/graphql)");
        if (genesis.DevAccounts is { } dev)
        {
            Console.WriteLine($"  dev accounts   (seed \"{dev.Seed}\"; key i = keccak256(\"{dev.Seed}/i\")), {Wei.Parse(dev.Balance).ToOpenString()} OPEN each at genesis:");
            int i = 0;
            foreach (var key in dev.Keys().Take(10))
                Console.WriteLine($"    [{i++}] {key.Address}  {key.ToHex()}");
            if (dev.Count > 10) Console.WriteLine($"    ... and {dev.Count - 10} more (openledger dev-keys)");
            Console.WriteLine("  dev role keys  the producer, operator and treasury keys derived from the seed: openledger dev-keys");
        }
        Console.WriteLine("openledger node ready");
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static string Addresses(IReadOnlyList<OpenLedger.Core.Crypto.Address> list) => list.Count == 0 ? "(none)" : string.Join(", ", list);
}
