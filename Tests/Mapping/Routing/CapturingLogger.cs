using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Mapping.Routing;

/// <summary>One captured log call.</summary>
internal sealed record LogEntry(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties, Exception? Exception);

/// <summary>An <see cref="ILogger{T}"/> that records every call, with its structured properties.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public List<LogEntry> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = new Dictionary<string, object?>();
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs)
            {
                properties[key] = value;
            }
        }

        Entries.Add(new LogEntry(logLevel, formatter(state, exception), properties, exception));
    }

    public List<LogEntry> At(LogLevel level) => Entries.Where(e => e.Level == level).ToList();
}
