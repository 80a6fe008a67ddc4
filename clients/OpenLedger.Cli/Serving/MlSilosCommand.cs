using System.Globalization;
using OpenLedger.Cli.CommandLine;
using OpenLedger.Cli.Marketplace;
using OpenLedger.Client;

namespace OpenLedger.Cli.Serving;

/// <summary>Per-silo OpenLoRA administration (operator token): `openledger ml-silos` lists the live ML silos with their
/// adapters and memory; `openledger adapter load|unload|pin|unpin --adapter HASH [--silo ADDRESS]` acts on the silo at
/// that address (as ml-silos lists it), or on every live ML silo without --silo, and prints one line per silo. OpenLoRA's
/// cache is per silo: an action reaches exactly the silos asked for.</summary>
public static class MlSilosCommand
{
    private static readonly string[] Actions = ["load", "unload", "pin", "unpin"];

    public static async Task<int> ListAsync(Args args, TextWriter output)
    {
        using var s = await MarketSession.ConnectAsync(args, output, asOperator: true);
        var silos = await OperatorCallAsync(() => s.Client.GetMlSilosAsync());
        s.Field("ml silos", silos.Count);
        foreach (var silo in silos)
        {
            output.WriteLine($"  {silo.Address}  {silo.BaseModel}  cache {Mib(silo.UsedBytes)}/{Mib(silo.BudgetBytes)} MiB, {silo.Resident} resident, " +
                             $"{silo.Served} served, working set {Mib(silo.WorkingSetBytes)} MiB, heap {Mib(silo.ManagedBytes)} MiB");
            foreach (var a in silo.Adapters) output.WriteLine($"    {Describe(a)}");
        }
        return 0;
    }

    public static async Task<int> ActAsync(Args args, TextWriter output)
    {
        var action = args.Positional.FirstOrDefault() is { } given && Actions.Contains(given)
            ? given
            : throw new UsageException($"adapter needs an action: {string.Join(", ", Actions)} (e.g. `adapter unload --adapter HASH --silo ADDRESS`)");
        var adapter = Options.Id(args, "adapter", "adapter");
        var silo = args.Value("silo"); // "--silo" without an address is a mistake, never "all silos"
        if (silo is { Length: 0 }) throw new UsageException("--silo needs an address (as `ml-silos` lists it)");

        using var s = await MarketSession.ConnectAsync(args, output, asOperator: true);
        var results = await OperatorCallAsync(() => s.Client.AdapterOnSilosAsync(action.ToUpperInvariant(), adapter, silo));
        foreach (var r in results)
            output.WriteLine(r.Ok ? $"{r.Silo}: {(r.Adapter is { } a ? Describe(a) : "done")}" : $"{r.Silo}: error: {r.ErrorCode}: {r.Message}");
        return results.All(r => r.Ok) ? 0 : 1;
    }

    private static string Describe(SiloAdapterInfo a) =>
        $"{a.Adapter}  {a.State,-11} {a.Bytes.ToString(CultureInfo.InvariantCulture)} bytes, {a.Served} served{(a.Reason is { } why ? $"  ({why})" : "")}";

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>Refusals become failures with their stable code (exit code 1); without the token, a hint where to find it.</summary>
    private static async Task<T> OperatorCallAsync<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (GraphQLRequestException e) when (e.Code == "OPERATOR_REQUIRED")
        {
            throw new CommandFailedException($"{e.Code}: {e.Detail} (give the node's operator token with --operator-token-file PATH; " +
                                             "on the node's machine it is read from the data directory's operator.token)");
        }
        catch (GraphQLRequestException e) { throw new CommandFailedException($"{e.Code}: {e.Detail}"); }
    }
}
