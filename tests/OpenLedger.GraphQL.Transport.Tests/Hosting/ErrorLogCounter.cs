using Microsoft.Extensions.Logging;

namespace OpenLedger.GraphQL.Transport.Tests.Hosting;

/// <summary>Counts Error and Critical log entries, keeping the first few for a failure message.</summary>
public sealed class ErrorLogCounter : ILoggerProvider
{
    private long _count;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _first = new();

    public long Count => Interlocked.Read(ref _count);
    public string Samples => string.Join("\n---\n", _first);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    private sealed class Logger(ErrorLogCounter owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Error) return;
            Interlocked.Increment(ref owner._count);
            if (owner._first.Count < 5) owner._first.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
