using OpenLedger.Cli.CommandLine;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Cli.Marketplace;

/// <summary>`openledger publish-version --datanet ID`: freezes the datanet's approved contributions as its next
/// numbered version and prints the version's number, id, Merkle root and count.</summary>
public static class PublishVersionCommand
{
    public static async Task<int> ExecuteAsync(Args args, TextWriter output)
    {
        var datanet = Options.Id(args, "datanet", "datanet");
        var body = Options.Body<PublishVersion>(PublishVersion.TryCreate, datanet);
        var signer = Signer.From(args);

        using var s = await MarketSession.ConnectAsync(args, output, signer);
        MarketSession.Require(await s.Client.GetDatanetAsync(datanet), datanet, "datanet");
        var o = await s.SendAsync(signer, body);
        if (!o.Succeeded) return o.ExitCode;

        // The version this transaction published (a curator may publish another right after): found by its event.
        var e = (await s.Client.GetDatanetEventsAsync(datanet, "VERSION_PUBLISHED", 20)).FirstOrDefault(e => e.TxHash == o.Hash);
        var v = e is not null ? await s.Client.GetDatanetVersionAsync(e.Subject) : null;
        if (v is null) throw new CommandFailedException($"published, but the version of transaction {o.Hash} was not found");
        s.Field("version", v.Number);
        s.Field("id", v.Id);
        s.Field("root", v.Root);
        s.Field("count", v.Count);
        return 0;
    }
}
