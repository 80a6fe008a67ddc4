using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Security;

/// <summary>
/// A node in embedded mode (SQLite, one silo) listens on this machine's loopback only: the Orleans silo and gateway
/// ports are cluster-internal, and the HTTP port is the public API for whoever the operator lets in (a reverse proxy).
/// Checked on the sockets themselves, as the kernel lists them (<c>/proc/net/tcp</c>, <c>tcp6</c>): no port of the
/// node listens on another address or on the wildcard.
/// </summary>
public sealed class ListeningAddressTests
{
    [Fact]
    public async Task An_embedded_node_listens_on_loopback_only_on_its_silo_gateway_and_http_ports()
    {
        var chain = new TestChain(accounts: 2);
        var dir = TestChain.TempDirectory("openledger-listen");
        var httpPort = FreePorts.Next();
        await using var node = await InProcessNode.StartAsync(chain, dir, httpPort);
        var silo = node.Host.Services.GetRequiredService<ILocalSiloDetails>();
        var ports = new Dictionary<int, string>
        {
            [silo.SiloAddress.Endpoint.Port] = "silo",
            [silo.GatewayAddress!.Endpoint.Port] = "gateway",
            [httpPort] = "http",
        };
        Assert.True(IPAddress.IsLoopback(silo.SiloAddress.Endpoint.Address), $"the silo advertises {silo.SiloAddress.Endpoint}");
        Assert.True(IPAddress.IsLoopback(silo.GatewayAddress.Endpoint.Address), $"the gateway advertises {silo.GatewayAddress.Endpoint}");

        var listening = ListeningSockets().Where(s => ports.ContainsKey(s.Port)).ToList();
        foreach (var (port, name) in ports) Assert.True(listening.Any(s => s.Port == port), $"nothing listens on the {name} port {port}");
        foreach (var s in listening)
            Assert.True(IPAddress.IsLoopback(s.Address), $"the {ports[s.Port]} port listens on {s.Address}:{s.Port}, not on loopback only");
    }

    /// <summary>The TCP sockets in LISTEN state, from the kernel's tables. Each address word is the in-memory 32-bit
    /// value printed in hex, so on a little-endian machine its bytes come back in network order by reading it as one.</summary>
    internal static List<(IPAddress Address, int Port)> ListeningSockets()
    {
        const string Listen = "0A";
        var sockets = new List<(IPAddress, int)>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != Listen) continue;
                var (hex, port) = (fields[1].Split(':')[0], fields[1].Split(':')[1]);
                var bytes = Enumerable.Range(0, hex.Length / 8)
                    .SelectMany(w => BitConverter.GetBytes(uint.Parse(hex.AsSpan(w * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
                    .ToArray();
                var address = new IPAddress(bytes);
                sockets.Add((address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }
        }
        return sockets;
    }
}
