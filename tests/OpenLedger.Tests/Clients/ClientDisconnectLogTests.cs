using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using OpenLedger.Client;
using OpenLedger.Tests.Crash;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Clients;

/// <summary>Clients leave: a CLI exits, a browser tab closes, a script is killed mid-request. None of that is the node's
/// failure, so the node's log (the real executable's output) shows no stack trace and no ConnectionResetException for
/// it: a POST whose body never ends, a request reset before its answer, a WebSocket aborted with a live subscription,
/// and a pooled HTTP client disposed after its requests (what an exiting CLI does).</summary>
public sealed class ClientDisconnectLogTests
{
    [Fact]
    public async Task Clients_that_drop_their_connections_leave_no_stack_trace_in_the_node_log()
    {
        var root = TestChain.TempDirectory("openledger-disconnects");
        var chain = new TestChain(accounts: 2, blockIntervalMs: 200);
        var genesis = Path.Combine(root, "genesis.json");
        await File.WriteAllTextAsync(genesis, chain.Genesis.ToJson() + "\n");
        using var node = new NodeProcess(Path.Combine(root, "data"), genesis);
        await node.StartAsync(TimeSpan.FromMinutes(3));
        var before = node.Lines.Count;
        var url = new Uri($"http://127.0.0.1:{node.HttpPort}/graphql");

        // A pooled client used and dropped, as the CLI's verbs do before they exit.
        using (var client = new LedgerClient(url)) Assert.Equal(chain.Genesis.ChainId, (await client.GetChainAsync()).ChainId);

        const string body = "{\"query\":\"{ chain { headHeight } transaction(hash: \\\"0x" + "00000000000000000000000000000000000000000000000000000000000000aa\\\") { status } }\"}";
        // A body cut short, then a reset; a whole request reset before its answer.
        await ResetAfterAsync(node.HttpPort, $"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length + 100}\r\n\r\n{body}");
        await ResetAfterAsync(node.HttpPort, $"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");

        // A WebSocket with a live block subscription, aborted without a close handshake.
        using (var ws = new ClientWebSocket())
        {
            ws.Options.AddSubProtocol("graphql-transport-ws");
            await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{node.HttpPort}/graphql"), CancellationToken.None);
            await SendAsync(ws, "{\"type\":\"connection_init\"}");
            Assert.Contains("connection_ack", await ReceiveAsync(ws));
            await SendAsync(ws, "{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription { blocks { height } }\"}}");
            await Task.Delay(500); // subscribed (an idle dev node may seal no block to send)
            ws.Abort();
        }

        // Time for the node to notice each drop and log what it logs.
        await Task.Delay(TimeSpan.FromSeconds(3));
        using (var client = new LedgerClient(url)) await client.GetChainAsync(); // still serving
        var logged = node.Lines.Skip(before).Where(l => l.Contains("[node#", StringComparison.Ordinal)).ToList();
        // Only what the transports log: a loaded test machine can make other parts log a timeout with its trace.
        string[] transport = ["ConnectionReset", "Connection reset", "Microsoft.AspNetCore", "WebSocket", "graphql-transport-ws", "IOException", "GraphQL.Transport"];
        var traces = logged.Where(l => l.Contains("ConnectionResetException", StringComparison.Ordinal)
                                       || (l.Contains("   at ", StringComparison.Ordinal) && transport.Any(t => l.Contains(t, StringComparison.Ordinal)))).ToList();
        Assert.True(traces.Count == 0, "the node logged a stack trace for a client that left:\n" + string.Join('\n', traces));
    }

    private static async Task ResetAfterAsync(int port, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        await Task.Delay(300);
        socket.LingerState = new LingerOption(true, 0); // close with a TCP reset, as a killed process' kernel does
        socket.Close();
    }

    private static Task SendAsync(ClientWebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> ReceiveAsync(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        var r = await ws.ReceiveAsync(buffer, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, r.Count);
    }
}
