using System.Net.WebSockets;
using System.Security.Claims;
using GraphQL;
using Microsoft.Extensions.Logging;
using OpenLedger.GraphQL.Transport.Execution;

namespace OpenLedger.GraphQL.Transport.WebSockets;

/// <summary>
/// One accepted <c>graphql-transport-ws</c> socket: the receive loop, the connection state (initialised,
/// acknowledged), the operations it holds and the rules that close it. Messages are handled in arrival order;
/// operations run off the receive loop so <c>ping</c> and <c>complete</c> are answered while a query runs.
/// </summary>
internal sealed class GraphQLWsConnection
{
    // After the server sends its close frame, how long it waits for the client's before dropping the socket.
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly GraphQLOperationExecutor _executor;
    private readonly IGraphQLTextSerializer _serializer;
    private readonly GraphQLTransportCounters _counters;
    private readonly IServiceProvider _services;
    private readonly ClaimsPrincipal? _user;
    private readonly ILogger _logger;
    private readonly GraphQLLimits _limits;
    private readonly CancellationTokenSource _connection = new();
    private readonly CancellationTokenSource _receive = new();
    private readonly OperationRegistry _operations;
    private readonly OutboundQueue _outbound;
    private readonly HashSet<Task> _running = [];
    private readonly Lock _runningGate = new();
    private int _initialised;
    private bool _acknowledged;

    public GraphQLWsConnection(WebSocket socket, GraphQLOperationExecutor executor, IGraphQLTextSerializer serializer,
        GraphQLTransportCounters counters, IServiceProvider services, ClaimsPrincipal? user, ILogger logger)
    {
        _socket = socket;
        _executor = executor;
        _serializer = serializer;
        _counters = counters;
        _services = services;
        _user = user;
        _logger = logger;
        _limits = executor.Limits;
        _operations = new OperationRegistry(_limits.MaxSubscriptionsPerConnection, counters);
        _outbound = new OutboundQueue(socket, serializer, _limits.MaxPendingMessagesPerConnection, _limits.MaxResponseBytes, logger, OnClosing);
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        _counters.ConnectionOpened();
        var abortRegistration = aborted.Register(static state => ((CancellationTokenSource)state!).Cancel(), _connection);
        var pump = _outbound.RunAsync(_connection.Token);
        var initialisation = WatchInitialisationAsync();
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The client vanished, or did not answer our close in time.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "graphql-transport-ws connection failed");
            await _outbound.CloseAsync(GraphQLWsCloseCodes.InternalServerError, "Internal server error").ConfigureAwait(false);
        }
        finally
        {
            // Unhooked first, so an abort arriving during clean-up cannot touch a disposed token source.
            abortRegistration.Dispose();
            // Every stream this client opened is disposed here, whatever ended the connection.
            _operations.CancelAll();
            _connection.Cancel();
            Task[] running;
            lock (_runningGate) running = [.. _running, pump, initialisation];
            try
            {
                await Task.WhenAll(running).WaitAsync(CloseHandshakeTimeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                _logger.LogWarning("graphql-transport-ws connection closed with operations still unwinding");
            }
            _counters.ConnectionClosed();
            _connection.Dispose();
            _receive.Dispose();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var maxBytes = (int)_limits.MaxBodyBytes;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_connection.Token, _receive.Token);
        while (true)
        {
            var (kind, body) = await WebSocketMessageReader.ReceiveAsync(_socket, maxBytes, linked.Token).ConfigureAwait(false);
            if (kind == ReceivedKind.Close)
            {
                // Answer the client's close (a no-op if we started the closing handshake ourselves).
                await _outbound.CloseAsync(GraphQLWsCloseCodes.NormalClosure, "").ConfigureAwait(false);
                return;
            }
            using (body)
            {
                // Once closing, the client's remaining messages are read only to reach its close frame.
                if (_outbound.IsClosing) continue;
                switch (kind)
                {
                    case ReceivedKind.TooLarge:
                        await CloseAsync(GraphQLWsCloseCodes.MessageTooBig, $"Message exceeds {maxBytes} bytes").ConfigureAwait(false);
                        break;
                    case ReceivedKind.Binary:
                        await CloseAsync(GraphQLWsCloseCodes.BadRequest, "Invalid message received: binary frames are not supported").ConfigureAwait(false);
                        break;
                    default:
                        await HandleMessageAsync(body!.Memory).ConfigureAwait(false);
                        break;
                }
            }
        }
    }

    private async Task HandleMessageAsync(ReadOnlyMemory<byte> utf8)
    {
        if (!ClientMessage.TryParse(utf8, _serializer, out var message, out var error))
        {
            await CloseAsync(GraphQLWsCloseCodes.BadRequest, error).ConfigureAwait(false);
            return;
        }

        switch (message!.Type)
        {
            case GraphQLWsProtocol.ConnectionInit:
                if (Interlocked.Exchange(ref _initialised, 1) != 0)
                {
                    await CloseAsync(GraphQLWsCloseCodes.TooManyInitialisationRequests, "Too many initialisation requests").ConfigureAwait(false);
                    return;
                }
                _acknowledged = true;
                _outbound.Enqueue(OutgoingMessage.ConnectionAck);
                break;

            case GraphQLWsProtocol.Ping:
                _outbound.Enqueue(OutgoingMessage.Pong);
                break;

            case GraphQLWsProtocol.Pong:
                break; // a heartbeat needs no answer

            case GraphQLWsProtocol.Subscribe:
                if (!_acknowledged)
                {
                    await CloseAsync(GraphQLWsCloseCodes.Unauthorized, "Unauthorized").ConfigureAwait(false);
                    return;
                }
                await StartOperationAsync(message.Id!, message.Request!).ConfigureAwait(false);
                break;

            case GraphQLWsProtocol.Complete:
                _operations.Cancel(message.Id!);
                break;
        }
    }

    private async Task StartOperationAsync(string id, GraphQLOperationRequest request)
    {
        switch (_operations.TryAdd(id, out var operation))
        {
            case OperationRegistry.AddResult.Duplicate:
                // The protocol applies this to every operation type, single results included, while it is open.
                await CloseAsync(GraphQLWsCloseCodes.SubscriberAlreadyExists, $"Subscriber for {id} already exists").ConfigureAwait(false);
                return;
            case OperationRegistry.AddResult.LimitReached:
                // A resource limit, not a protocol violation: this operation fails, the connection and its other
                // subscriptions carry on. The id was never registered, so no complete follows the error.
                _outbound.Enqueue(OutgoingMessage.Error(null, id,
                [
                    new ExecutionError($"This connection already has {_limits.MaxSubscriptionsPerConnection} active operations; complete one first.")
                    {
                        Code = GraphQLErrorCodes.MaxSubscriptionsExceeded,
                    },
                ]));
                return;
            case OperationRegistry.AddResult.Closed:
                return;
        }

        // Off the receive loop: resolvers may be slow, and the client may complete the operation meanwhile.
        var task = Task.Run(() => RunOperationAsync(operation!, request));
        lock (_runningGate) _running.Add(task);
        _ = task.ContinueWith(t => { lock (_runningGate) _running.Remove(t); }, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunOperationAsync(ActiveOperation operation, GraphQLOperationRequest request)
    {
        try
        {
            var document = _executor.Documents.GetOrParse(request.Query, request.OperationName);
            var result = await _executor.ExecuteAsync(request, document, _services, _user, operation.CancellationToken).ConfigureAwait(false);

            if (result.Streams is { Count: > 0 } streams)
            {
                if (operation.IsCancelled || result.Errors is { Count: > 0 })
                {
                    // The resolver has opened its source (a shared stream listener, say) but nobody will observe it:
                    // subscribe and dispose at once, which is how an observable is told to let go.
                    ReleaseUnobserved(streams.Values);
                    if (operation.IsCancelled) return;
                }
                else
                {
                    // GraphQL.NET returns one stream per root subscription field; the spec allows exactly one.
                    var observer = new OperationObserver(operation, _operations, _outbound);
                    var subscription = streams.Values.First().Subscribe(observer);
                    if (!operation.TryAttach(subscription))
                        subscription.Dispose(); // ended while subscribing (completed at once, or cancelled)
                    return;
                }
            }
            if (operation.IsCancelled) return;

            if (!result.Executed)
            {
                // Request errors (parse, validation, limits, variables): the protocol's "error", and no complete.
                if (_operations.TryRemove(operation))
                    _outbound.Enqueue(OutgoingMessage.Error(operation, operation.Id, result.Errors ?? []));
                operation.Release();
                return;
            }

            // A query or mutation: one result, then complete. The id is freed before complete is queued, so a client
            // that reuses it as soon as it sees complete is not refused.
            _outbound.Enqueue(OutgoingMessage.Next(operation, result));
            if (_operations.TryRemove(operation))
                _outbound.Enqueue(OutgoingMessage.Complete(operation));
            operation.Release();
        }
        catch (OperationCanceledException) when (operation.IsCancelled)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "graphql-transport-ws operation {Id} failed", operation.Id);
            if (_operations.TryRemove(operation))
                _outbound.Enqueue(OutgoingMessage.Error(operation, operation.Id,
                    [new ExecutionError("Internal server error.") { Code = GraphQLErrorCodes.InternalServerError }]));
            operation.Release();
        }
    }

    private void ReleaseUnobserved(IEnumerable<IObservable<ExecutionResult>> streams)
    {
        foreach (var stream in streams)
        {
            try
            {
                stream.Subscribe(DiscardingObserver.Instance).Dispose();
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "graphql-transport-ws: releasing an unobserved event stream failed");
            }
        }
    }

    /// <summary>Observes nothing: what an unobserved stream is subscribed with just long enough to be disposed.</summary>
    private sealed class DiscardingObserver : IObserver<ExecutionResult>
    {
        public static readonly DiscardingObserver Instance = new();
        public void OnCompleted() { }
        public void OnError(Exception error) { }
        public void OnNext(ExecutionResult value) { }
    }

    private async Task WatchInitialisationAsync()
    {
        try
        {
            await Task.Delay(_limits.ConnectionInitTimeout, _connection.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (Volatile.Read(ref _initialised) == 0)
            await CloseAsync(GraphQLWsCloseCodes.ConnectionInitialisationTimeout, "Connection initialisation timeout").ConfigureAwait(false);
    }

    private Task CloseAsync(int code, string reason) => _outbound.CloseAsync(code, reason);

    /// <summary>
    /// The server is closing (a protocol violation, a timeout, a slow client): nothing more will be sent, so every
    /// stream stops now, and the client gets a bounded time to answer the close frame.
    /// </summary>
    private void OnClosing()
    {
        _operations.CancelAll();
        try
        {
            _receive.CancelAfter(CloseHandshakeTimeout);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
