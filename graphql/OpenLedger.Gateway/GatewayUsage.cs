namespace OpenLedger.Gateway;

/// <summary>The help text of <c>openledger-gateway</c>.</summary>
public static class GatewayUsage
{
    public static void Print(TextWriter output) => output.WriteLine("""
        openledger-gateway — the OpenLedger GraphQL gateway, an Orleans client of running silos

        usage: openledger-gateway [options]   (the node executable runs the same as `openledger gateway`)

          --http-port N       GraphQL (/graphql), /healthz, /dashboard and /metrics on 127.0.0.1 (default 8080)
          --gateway-port N    a single SQLite node's Orleans gateway port on this machine (default 30000)
          --postgres CONN     find the silos in the PostgreSQL membership table instead
          --cluster-cert FILE the node's cluster certificate (mode 0600; default cluster.pfx in --data-dir)
          --data-dir DIR      where the cluster certificate and operator token are looked for (default ./data)
          --operator-token FILE   the operator token (default operator.token in --data-dir; made if missing)
          --allowed-hosts H,...   host names the gateway is reached by, beside the loopback names
          --allowed-origins O,... page origins allowed to call it
          --ws-per-client N   WebSocket connections one client address may hold (default 256; raise it behind a
                              reverse proxy, where every client has the proxy's address)
          --ws-total N        WebSocket connections held in all (default 4096)
        Every option can also come from the environment (OPENLEDGER_HTTP_PORT, OPENLEDGER_POSTGRES, ...).
        """);
}
