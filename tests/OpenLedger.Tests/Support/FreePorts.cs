using System.Net;
using System.Net.Sockets;

namespace OpenLedger.Tests.Support;

/// <summary>Free TCP ports on loopback, for nodes started by tests.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
