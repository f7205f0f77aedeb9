using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Xmpp;

/// <summary>A logger factory that keeps every formatted line, to assert what the server said and why.</summary>
internal sealed class LogCollector : ILoggerFactory, ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public bool Any(string fragment) => Lines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Lines.Enqueue(formatter(state, exception));
            }
        }
    }
}
