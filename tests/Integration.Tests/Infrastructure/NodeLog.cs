using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CallCampaigns.Integration.Tests.Infrastructure;

/// <summary>
/// The engine's own log lines of an embedded node (Information and above), kept in memory so that a test whose wait
/// runs out can say what the node did meanwhile; the node's console log stays at Warning.
/// </summary>
public sealed class NodeLog : ILoggerProvider
{
    private const int Kept = 200;
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>The last <paramref name="count"/> lines, oldest first, one per line.</summary>
    public string Last(int count = 40) => string.Join('\n', _lines.TakeLast(count));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Kept) _lines.TryDequeue(out _);
    }

    private sealed class Logger(NodeLog log, string category) : ILogger
    {
        private readonly string _category = category[(category.LastIndexOf('.') + 1)..];
        private readonly bool _engine = category.StartsWith("CallCampaigns.", StringComparison.Ordinal);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => _engine && logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var error = exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})";
            log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {_category}: {formatter(state, exception)}{error}");
        }
    }
}
